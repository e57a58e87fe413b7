// The stack: sandbox and n8n together, with an owner and a public-API key.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test harness, not node code: it runs processes, files and the network on purpose */
import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { join } from 'path';
import { N8nClient } from '../n8n-api';
import {
	freePort,
	release,
	startProcess,
	startReaper,
	stopProcess,
	type StartedProcess,
} from '../processes';
import {
	type Log,
	N8N_VERSION,
	NODE_TYPES,
	OWNER,
	PACKAGE_NAME,
	STATE_ROOT,
	defaultLog,
} from './constants';
import { ensureN8nInstalled } from './install';
import { checkModuleResolution, installPackageIntoUserFolder, packPackage } from './package';
import { n8nEnvironment, waitForN8n } from './n8n';
import { startSandbox, type SandboxInfo } from './sandbox';

export interface StartStackOptions {
	/** Where n8n's user folder and the logs go; a fresh directory under test/e2e/.state by default. */
	stateDir?: string;
	/** Keep the state directory after stop() (always kept when startup fails). */
	keepState?: boolean;
	n8nPort?: number;
	/** Extra arguments for the sandbox CLI (e.g. ['--config', file]). */
	sandboxArgs?: string[];
	/** Extra environment for n8n. */
	n8nEnv?: Record<string, string>;
	/** Leave both processes running after this process exits (e2e:up). */
	detached?: boolean;
	log?: Log;
}

export interface Stack {
	n8nUrl: string;
	/** The base of production webhook URLs: n8n itself here, a webhook processor in queue mode. */
	webhookUrl: string;
	n8nApiKey: string;
	owner: typeof OWNER;
	sandbox: SandboxInfo;
	n8n: N8nClient;
	stateDir: string;
	userFolder: string;
	/** Where the installed package's zod and n8n-workflow come from (inside n8n's install). */
	resolution: Record<string, string>;
	pids: { n8n: number; sandbox: number };
	logs: { n8n: string; sandbox: string };
	timings: Record<string, number>;
	/**
	 * Stops n8n (SIGTERM, as a service manager would) and starts it again on the same port, user
	 * folder and database; resolves when it answers again. `pids.n8n` is the new process.
	 */
	restartN8n: () => Promise<void>;
	stop: () => Promise<void>;
}

export async function startStack(options: StartStackOptions = {}): Promise<Stack> {
	const log = options.log ?? defaultLog;
	const timings: Record<string, number> = {};
	const t0 = Date.now();
	mkdirSync(STATE_ROOT, { recursive: true });
	const stateDir = options.stateDir ?? mkdtempSync(join(STATE_ROOT, 'run-'));
	mkdirSync(stateDir, { recursive: true });
	const userFolder = join(stateDir, 'n8n');
	mkdirSync(userFolder, { recursive: true });

	const install = await ensureN8nInstalled(log);
	timings.install = Date.now() - t0;
	const t1 = Date.now();
	const packed = await packPackage(log);
	const packageDir = installPackageIntoUserFolder(userFolder, packed, log);
	const resolution = checkModuleResolution(install, packageDir);
	timings.pack = Date.now() - t1;

	const started: StartedProcess[] = [];
	const stopAll = async () => {
		await Promise.all(started.map(async (p) => await stopProcess(p)));
	};
	try {
		const t2 = Date.now();
		const sandbox = await startSandbox(stateDir, options.sandboxArgs ?? [], log);
		started.push(sandbox.process);

		const port = options.n8nPort ?? (await freePort());
		const brokerPort = await freePort();
		const n8nUrl = `http://127.0.0.1:${port}`;
		const n8nLog = join(stateDir, 'n8n.log');
		const startN8n = () =>
			startProcess('n8n', install.nodeBin, [install.n8nBin, 'start'], {
				cwd: userFolder,
				env: n8nEnvironment({ install, userFolder, port, brokerPort, extra: options.n8nEnv }),
				logFile: n8nLog,
			});
		let n8nProcess = startN8n();
		started.push(n8nProcess);
		if (!options.detached)
			startReaper(
				process.pid,
				started.map((p) => p.pid),
			);
		log(`n8n ${N8N_VERSION} starting on ${n8nUrl} (log ${n8nLog})`);
		await waitForN8n(n8nUrl, n8nProcess, 180_000);
		timings.boot = Date.now() - t2;

		const n8n = new N8nClient(n8nUrl);
		await n8n.setupOwner(OWNER);
		const n8nApiKey = await n8n.createApiKey('n8n-nodes-autogpt e2e');
		await n8n.waitForNodeTypes(NODE_TYPES, 60_000);
		await n8n.recordInstalledPackage(join(userFolder, '.n8n'), install, PACKAGE_NAME);
		timings.total = Date.now() - t0;
		log(
			`stack ready in ${Math.round(timings.total / 1000)} s: n8n ${n8nUrl}, sandbox ${sandbox.info.url}`,
		);

		if (options.detached) release(started);
		const pids = { n8n: n8nProcess.pid, sandbox: sandbox.process.pid };
		const restartN8n = async () => {
			await stopProcess(n8nProcess);
			started.splice(started.indexOf(n8nProcess), 1);
			n8nProcess = startN8n();
			started.push(n8nProcess);
			pids.n8n = n8nProcess.pid;
			if (!options.detached) startReaper(process.pid, [n8nProcess.pid]);
			log(`n8n restarting on ${n8nUrl}`);
			await waitForN8n(n8nUrl, n8nProcess, 180_000);
			await n8n.login(OWNER.email, OWNER.password);
			await n8n.waitForNodeTypes(NODE_TYPES, 60_000);
		};
		return {
			n8nUrl,
			webhookUrl: n8nUrl,
			n8nApiKey,
			owner: OWNER,
			sandbox: sandbox.info,
			n8n,
			stateDir,
			userFolder,
			resolution,
			pids,
			logs: { n8n: n8nLog, sandbox: join(stateDir, 'sandbox.out') },
			timings,
			restartN8n,
			stop: stopOnce(options, stateDir, stopAll),
		};
	} catch (error) {
		log(`startup failed; logs kept in ${stateDir}`);
		await stopAll();
		throw error;
	}
}

/**
 * A stack's `stop()`: stops its processes once, then removes its state directory unless it was
 * given or asked to be kept (`keepState`, N8N_E2E_KEEP_STATE=1).
 */
export function stopOnce(
	options: Pick<StartStackOptions, 'keepState' | 'stateDir'>,
	stateDir: string,
	stopAll: () => Promise<void>,
): () => Promise<void> {
	let stopped = false;
	return async () => {
		if (stopped) return;
		stopped = true;
		await stopAll();
		if (!options.keepState && !options.stateDir && process.env.N8N_E2E_KEEP_STATE !== '1') {
			rmSync(stateDir, { recursive: true, force: true });
		}
	};
}
