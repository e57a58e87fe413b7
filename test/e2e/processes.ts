// Child processes the harness starts: each one in its own process group, so stopping it also stops
// what it spawned (n8n's task runner), with output in a log file rather than a pipe, so a detached
// stack keeps running after the script that started it exits.
/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { spawn, spawnSync } from 'child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'fs';
import { createServer } from 'net';

export interface StartedProcess {
	name: string;
	pid: number;
	logFile: string;
	exited: Promise<number | null>;
	hasExited: () => boolean;
	unref: () => void;
}

/** Groups started by this process that must not outlive it (unless released with `release`). */
const owned = new Map<number, string>();
let handlersInstalled = false;

export function startProcess(
	name: string,
	command: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; uid?: number; gid?: number },
): StartedProcess {
	const fd = openSync(options.logFile, 'a');
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['ignore', fd, fd],
		// PostgreSQL refuses to run as root: the harness starts it as an unprivileged user.
		...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
	});
	closeSync(fd);
	if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
	const pid = child.pid;
	let exited = false;
	const exitedPromise = new Promise<number | null>((resolve) => {
		child.on('exit', (code, signal) => {
			exited = true;
			owned.delete(pid);
			resolve(code ?? (signal ? 128 : null));
		});
		child.on('error', () => {
			exited = true;
			owned.delete(pid);
			resolve(null);
		});
	});
	owned.set(pid, name);
	installExitHandlers();
	return {
		name,
		pid,
		logFile: options.logFile,
		exited: exitedPromise,
		hasExited: () => exited,
		unref: () => child.unref(),
	};
}

/** Lets a process outlive this one (`e2e:up`): no exit handler will stop it. */
export function release(processes: StartedProcess[]): void {
	for (const p of processes) {
		owned.delete(p.pid);
		p.unref();
	}
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			// already gone
		}
	}
}

/** SIGTERM to the process group, SIGKILL after `graceMs`. Works for pids of other processes too. */
export async function stopGroup(pid: number, graceMs = 15_000): Promise<void> {
	if (!isAlive(pid)) return;
	signalGroup(pid, 'SIGTERM');
	const deadline = Date.now() + graceMs;
	while (Date.now() < deadline) {
		if (!isAlive(pid)) break;
		await sleep(100);
	}
	// The group leader may be gone while a grandchild (the task runner) lingers: kill the group anyway.
	signalGroup(pid, 'SIGKILL');
	owned.delete(pid);
}

export async function stopProcess(p: StartedProcess, graceMs = 15_000): Promise<void> {
	if (p.hasExited()) {
		signalGroup(p.pid, 'SIGKILL');
		return;
	}
	await stopGroup(p.pid, graceMs);
	await Promise.race([p.exited, sleep(2_000)]);
}

function killOwnedSync(): void {
	for (const pid of owned.keys()) signalGroup(pid, 'SIGKILL');
	owned.clear();
}

function installExitHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.on('exit', killOwnedSync);
	// Under jest the runner owns signals; afterAll and the exit handler do the cleanup there.
	if (process.env.JEST_WORKER_ID !== undefined) return;
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			void (async () => {
				await Promise.all([...owned.keys()].map(async (pid) => await stopGroup(pid, 5_000)));
				process.exit(signal === 'SIGINT' ? 130 : 143);
			})();
		});
	}
}

/**
 * A small watchdog that kills the given process groups when `parentPid` dies, however it dies
 * (a SIGKILLed jest worker runs no exit handler). Returns its pid; it ends by itself.
 */
export function startReaper(parentPid: number, groups: number[]): number | undefined {
	const script = `
const [parent, ...groups] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const kill = (pid, sig) => { try { process.kill(-pid, sig); } catch { try { process.kill(pid, sig); } catch {} } };
const timer = setInterval(() => {
	if (groups.every((g) => !alive(g))) process.exit(0);
	if (alive(parent)) return;
	for (const g of groups) kill(g, 'SIGTERM');
	setTimeout(() => { for (const g of groups) kill(g, 'SIGKILL'); process.exit(0); }, 5000);
	clearInterval(timer);
}, 1000);
`;
	const child = spawn(process.execPath, ['-e', script, String(parentPid), ...groups.map(String)], {
		detached: true,
		stdio: 'ignore',
		env: { PATH: process.env.PATH ?? '' },
	});
	child.unref();
	return child.pid;
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export function tail(file: string, lines = 40): string {
	if (!existsSync(file)) return '';
	return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

export async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a command to completion, output to a log file; throws with the log's tail on failure. */
export function run(
	command: string,
	args: string[],
	options: {
		cwd: string;
		env?: NodeJS.ProcessEnv;
		logFile: string;
		what: string;
		uid?: number;
		gid?: number;
	},
): void {
	const fd = openSync(options.logFile, 'a');
	const result = spawnSync(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		stdio: ['ignore', fd, fd],
		...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
	});
	closeSync(fd);
	if (result.status !== 0) {
		throw new Error(
			`${options.what} failed (${command} ${args.join(' ')}, exit ${result.status ?? result.signal}); ` +
				`log ${options.logFile}:\n${tail(options.logFile, 30)}`,
		);
	}
}
