// The queue-mode stack: n8n 2.40.7 as one main process (`n8n start`: editor, REST and public API,
// activation), workers (`n8n worker`: run every execution, taken from Bull's queue in Redis) and
// webhook processors (`n8n webhook`: receive production webhook calls and enqueue them), all on one
// PostgreSQL database, one Redis and one encryption key, each process with its own user folder and
// the package installed there as a community package, the sandbox as the platform.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test harness, not node code: it runs processes, files and the network on purpose */
import { randomBytes } from 'crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'fs';
import { join } from 'path';

import { N8nClient } from '../n8n-api';
import {
	freePort,
	release,
	sleep,
	startProcess,
	startReaper,
	stopGroup,
	stopProcess,
	tail,
	type StartedProcess,
} from '../processes';
import { N8N_VERSION, NODE_TYPES, OWNER, PACKAGE_NAME, STATE_ROOT, defaultLog } from './constants';
import { ensureN8nInstalled, type N8nInstall } from './install';
import { n8nEnvironment, waitForN8n } from './n8n';
import { unknownVariables } from './n8nVariables';
import { checkModuleResolution, installPackageIntoUserFolder, packPackage } from './package';
import { pgQuery, startPostgres, type PostgresServer } from './postgres';
import { startRedis, type RedisServer } from './redis';
import { startSandbox } from './sandbox';
import { stopOnce, type Stack, type StartStackOptions } from './stack';

export type QueueRole = 'main' | 'worker' | 'webhook';

export interface QueueProcess {
	/** `main`, `worker-1`, `worker-2`, `webhook-1`, … */
	name: string;
	role: QueueRole;
	/** `N8N_PORT` of main and of a webhook processor; a worker's health-check port. */
	port: number;
	url: string;
	userFolder: string;
	logFile: string;
	pid: number;
	/** n8n's event log of this process, where it records the jobs it enqueued and dequeued. */
	eventLog: string;
}

export interface QueueStackOptions extends Omit<StartStackOptions, 'n8nPort'> {
	/** Two by default. */
	workers?: number;
	/** One by default; `N8N_WEBHOOK_URL` (what the trigger registers) is the first one's. */
	webhookProcessors?: number;
	/** Processes set up but not started at boot (`start(name)` starts them), e.g. `['webhook-2']`. */
	standby?: string[];
}

/** Which processes of the stack enqueued and ran one execution, from their own event logs. */
export interface JobHosts {
	enqueuedBy: string[];
	ranOn: string[];
}

export interface QueueStack extends Stack {
	mode: 'queue';
	webhookUrls: string[];
	processes: QueueProcess[];
	postgres: PostgresServer;
	redis: RedisServer;
	encryptionKey: string;
	process: (name: string) => QueueProcess;
	/** Signals a process group (SIGKILL by default: a crash) and waits until it is gone. */
	kill: (name: string, signal?: NodeJS.Signals) => Promise<void>;
	/** Starts a process that was stopped or killed again, same port and folder; waits until ready. */
	start: (name: string) => Promise<void>;
	/** SIGTERM (as a service manager stops it), then `start`. */
	restart: (name: string) => Promise<void>;
	/** Every execution any process enqueued or dequeued, by execution ID. */
	jobs: () => Map<string, JobHosts>;
	sql: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => T[];
}

/** n8n names its event log after the kind of process (MessageEventBus, resolveEventLogPath). */
const EVENT_LOG_BASE: Record<QueueRole, string> = {
	main: 'n8nEventLog',
	worker: 'n8nEventLog-worker',
	webhook: 'n8nEventLog-webhook-processor',
};
const COMMAND: Record<QueueRole, string> = { main: 'start', worker: 'worker', webhook: 'webhook' };
const EVENT_LOG_KEEP = 10;

/**
 * n8n's environment for one process of the stack: the single-process harness's (n8nEnvironment),
 * with SQLite swapped for PostgreSQL and the settings n8n documents for queue mode.
 */
export function queueEnvironment(options: {
	install: N8nInstall;
	role: QueueRole;
	userFolder: string;
	port: number;
	brokerPort: number;
	mainUrl: string;
	webhookUrl: string;
	postgres: Pick<PostgresServer, 'host' | 'port' | 'user' | 'password' | 'database'>;
	redis: Pick<RedisServer, 'host' | 'port'>;
	encryptionKey: string;
	extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
	const { install, userFolder, port, brokerPort } = options;
	const env = n8nEnvironment({ install, userFolder, port, brokerPort });
	delete env.DB_SQLITE_POOL_SIZE;
	Object.assign(env, {
		// The editor (and OAuth callback) on main; the public webhook base is the webhook processor's.
		N8N_EDITOR_BASE_URL: options.mainUrl,
		N8N_WEBHOOK_URL: `${options.webhookUrl}/`,
		EXECUTIONS_MODE: 'queue',
		// One key for all: each process decrypts the credentials another one saved.
		N8N_ENCRYPTION_KEY: options.encryptionKey,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: options.postgres.host,
		DB_POSTGRESDB_PORT: String(options.postgres.port),
		DB_POSTGRESDB_DATABASE: options.postgres.database,
		DB_POSTGRESDB_USER: options.postgres.user,
		DB_POSTGRESDB_PASSWORD: options.postgres.password,
		// n8n's default pool is 2 connections a process: under a burst of webhook calls on a busy
		// machine its health ping then waits behind queries, times out, and n8n drops the database
		// (answering 503) until it reconnects.
		DB_POSTGRESDB_POOL_SIZE: '10',
		// On a loaded machine opening a connection (Postgres forks a backend for it) can take longer
		// than n8n's default 20 s; a worker that gives up fails the execution it was about to run.
		DB_POSTGRESDB_CONNECTION_TIMEOUT: '60000',
		QUEUE_BULL_REDIS_HOST: options.redis.host,
		QUEUE_BULL_REDIS_PORT: String(options.redis.port),
		// The event logs say which process enqueued and which ran each execution; keep enough of them.
		N8N_EVENTBUS_LOGWRITER_KEEPLOGCOUNT: String(EVENT_LOG_KEEP),
	});
	if (options.role === 'main') {
		// Production webhooks belong to the webhook processors, not to main.
		env.N8N_DISABLE_PRODUCTION_MAIN_PROCESS = 'true';
	}
	if (options.role === 'worker') {
		// The worker's own server, for readiness (database, Redis, queue set up).
		env.QUEUE_HEALTH_CHECK_ACTIVE = 'true';
		env.QUEUE_HEALTH_CHECK_PORT = String(options.port);
		env.N8N_WORKER_SERVER_ADDRESS = '127.0.0.1';
	}
	return { ...env, ...options.extra };
}

async function waitForReadiness(
	url: string,
	proc: StartedProcess,
	name: string,
	timeoutMs: number,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (proc.hasExited())
			throw new Error(`${name} exited during startup; log ${proc.logFile}:\n${tail(proc.logFile)}`);
		try {
			if ((await fetch(`${url}/healthz/readiness`)).ok) return;
		} catch {
			// not listening yet
		}
		await sleep(250);
	}
	throw new Error(
		`${name} was not ready within ${timeoutMs / 1000} s; log ${proc.logFile}:\n${tail(proc.logFile)}`,
	);
}

/** The queue events of n8n's event log files of one process (the current file and rotated ones). */
function queueEvents(
	eventLog: string,
): Array<{ eventName: string; executionId: string; hostId: string }> {
	const base = eventLog.replace(/\.log$/, '');
	const files = [
		eventLog,
		...Array.from({ length: EVENT_LOG_KEEP }, (_x, index) => `${base}-${index + 1}.log`),
	];
	const events: Array<{ eventName: string; executionId: string; hostId: string }> = [];
	for (const file of files.filter((f) => existsSync(f))) {
		for (const line of readFileSync(file, 'utf8').split('\n')) {
			if (!line.includes('"n8n.queue.job.')) continue;
			try {
				const message = JSON.parse(line) as {
					eventName: string;
					payload: { executionId: string; hostId: string };
				};
				events.push({
					eventName: message.eventName,
					executionId: String(message.payload.executionId),
					hostId: message.payload.hostId,
				});
			} catch {
				// a line being written
			}
		}
	}
	return events;
}

export async function startQueueStack(options: QueueStackOptions = {}): Promise<QueueStack> {
	const log = options.log ?? defaultLog;
	const timings: Record<string, number> = {};
	const t0 = Date.now();
	mkdirSync(STATE_ROOT, { recursive: true });
	const stateDir = options.stateDir ?? mkdtempSync(join(STATE_ROOT, 'queue-'));
	mkdirSync(stateDir, { recursive: true });

	const install = await ensureN8nInstalled(log);
	timings.install = Date.now() - t0;
	const t1 = Date.now();
	const packed = await packPackage(log);
	const roles: Array<{ name: string; role: QueueRole }> = [
		{ name: 'main', role: 'main' },
		...Array.from({ length: options.workers ?? 2 }, (_x, index) => ({
			name: `worker-${index + 1}`,
			role: 'worker' as const,
		})),
		...Array.from({ length: options.webhookProcessors ?? 1 }, (_x, index) => ({
			name: `webhook-${index + 1}`,
			role: 'webhook' as const,
		})),
	];
	// Every process gets a user folder of its own with the package installed, as separate hosts
	// (containers) would have; installed once with n8n's steps, then copied.
	const folders = new Map(roles.map(({ name }) => [name, join(stateDir, name)]));
	const mainFolder = folders.get('main')!;
	mkdirSync(mainFolder, { recursive: true });
	const packageDir = installPackageIntoUserFolder(mainFolder, packed, log);
	const resolution = checkModuleResolution(install, packageDir);
	for (const { name } of roles.slice(1)) {
		cpSync(join(mainFolder, '.n8n', 'nodes'), join(folders.get(name)!, '.n8n', 'nodes'), {
			recursive: true,
		});
	}
	timings.pack = Date.now() - t1;

	const started: StartedProcess[] = [];
	const stopAll = async () => {
		// n8n first, then what it needs.
		const services = new Set(['sandbox', 'postgres', 'redis']);
		await Promise.all(
			started.filter((p) => !services.has(p.name)).map(async (p) => await stopProcess(p)),
		);
		await Promise.all(
			started.filter((p) => services.has(p.name)).map(async (p) => await stopProcess(p)),
		);
	};
	try {
		const t2 = Date.now();
		const [sandbox, postgres, redis] = await Promise.all([
			startSandbox(stateDir, options.sandboxArgs ?? [], log).then((s) => {
				started.push(s.process);
				return s;
			}),
			startPostgres(install, stateDir, log).then((p) => {
				started.push(p.process);
				return p;
			}),
			startRedis(stateDir, log).then((r) => {
				started.push(r.process);
				return r;
			}),
		]);

		const ports = new Map<string, { port: number; brokerPort: number }>();
		for (const { name } of roles)
			ports.set(name, { port: await freePort(), brokerPort: await freePort() });
		const urlOf = (name: string) => `http://127.0.0.1:${ports.get(name)!.port}`;
		const mainUrl = urlOf('main');
		const webhookUrls = roles.filter((r) => r.role === 'webhook').map((r) => urlOf(r.name));
		const encryptionKey = randomBytes(24).toString('hex');
		const processes: QueueProcess[] = roles.map(({ name, role }) => ({
			name,
			role,
			port: ports.get(name)!.port,
			url: urlOf(name),
			userFolder: folders.get(name)!,
			logFile: join(stateDir, `${name}.log`),
			pid: 0,
			eventLog: join(folders.get(name)!, '.n8n', `${EVENT_LOG_BASE[role]}.log`),
		}));
		const envOf = (p: QueueProcess) =>
			queueEnvironment({
				install,
				role: p.role,
				userFolder: p.userFolder,
				port: p.port,
				brokerPort: ports.get(p.name)!.brokerPort,
				mainUrl,
				webhookUrl: webhookUrls[0] ?? mainUrl,
				postgres,
				redis,
				encryptionKey,
				extra: options.n8nEnv,
			});
		for (const p of processes) {
			const unknown = unknownVariables(install, envOf(p));
			if (unknown.length)
				throw new Error(`n8n ${N8N_VERSION} reads none of these variables: ${unknown.join(', ')}`);
		}

		const running = new Map<string, StartedProcess>();
		const launch = (p: QueueProcess): StartedProcess => {
			const proc = startProcess(p.name, install.nodeBin, [install.n8nBin, COMMAND[p.role]], {
				cwd: p.userFolder,
				env: envOf(p),
				logFile: p.logFile,
			});
			started.push(proc);
			running.set(p.name, proc);
			p.pid = proc.pid;
			if (!options.detached) startReaper(process.pid, [proc.pid]);
			return proc;
		};
		const ready = async (p: QueueProcess) => {
			const proc = running.get(p.name)!;
			if (p.role === 'main') await waitForN8n(p.url, proc, 300_000);
			else await waitForReadiness(p.url, proc, p.name, 300_000);
		};
		if (!options.detached)
			startReaper(
				process.pid,
				started.map((p) => p.pid),
			);

		// Main first: it runs the database migrations the others expect.
		const main = processes[0];
		launch(main);
		log(`n8n ${N8N_VERSION} main starting on ${mainUrl} (log ${main.logFile})`);
		await ready(main);
		const others = processes.slice(1).filter((p) => !options.standby?.includes(p.name));
		for (const p of others) launch(p);
		log(`starting ${others.map((p) => `${p.name} (${p.url})`).join(', ')}`);
		const n8n = new N8nClient(mainUrl);
		n8n.webhookUrl = webhookUrls[0] ?? mainUrl;
		await n8n.setupOwner(OWNER);
		const n8nApiKey = await n8n.createApiKey('n8n-nodes-autogpt e2e');
		await n8n.waitForNodeTypes(NODE_TYPES, 60_000);
		await recordInstalledPackage(n8n, install, postgres, mainFolder);
		await Promise.all(others.map(async (p) => await ready(p)));
		timings.boot = Date.now() - t2;
		timings.total = Date.now() - t0;
		log(
			`queue stack ready in ${Math.round(timings.total / 1000)} s: main ${mainUrl}, webhooks ${webhookUrls.join(' ')}, ${others.filter((p) => p.role === 'worker').length} workers, sandbox ${sandbox.info.url}`,
		);

		if (options.detached) release(started);
		const byName = (name: string) => {
			const found = processes.find((p) => p.name === name);
			if (!found) throw new Error(`no process ${name} in this stack`);
			return found;
		};
		const kill = async (name: string, signal: NodeJS.Signals = 'SIGKILL') => {
			const proc = running.get(name);
			if (!proc) return;
			running.delete(name);
			if (signal === 'SIGTERM') await stopProcess(proc);
			else {
				try {
					process.kill(-proc.pid, signal);
				} catch {
					// already gone
				}
				await Promise.race([proc.exited, sleep(10_000)]);
				await stopGroup(proc.pid, 1_000);
			}
			started.splice(started.indexOf(proc), 1);
		};
		const start = async (name: string) => {
			const p = byName(name);
			if (running.has(name)) throw new Error(`${name} is running`);
			launch(p);
			log(`${name} starting again on ${p.url}`);
			await ready(p);
			if (p.role === 'main') await n8n.login(OWNER.email, OWNER.password);
		};
		const pids = { n8n: main.pid, sandbox: sandbox.process.pid };
		return {
			mode: 'queue',
			n8nUrl: mainUrl,
			webhookUrl: webhookUrls[0] ?? mainUrl,
			webhookUrls,
			n8nApiKey,
			owner: OWNER,
			sandbox: sandbox.info,
			n8n,
			stateDir,
			userFolder: mainFolder,
			resolution,
			pids,
			logs: { n8n: main.logFile, sandbox: join(stateDir, 'sandbox.out') },
			timings,
			processes,
			postgres,
			redis,
			encryptionKey,
			process: byName,
			kill,
			start,
			restart: async (name) => {
				await kill(name, 'SIGTERM');
				await start(name);
				if (name === 'main') pids.n8n = main.pid;
			},
			restartN8n: async () => {
				await kill('main', 'SIGTERM');
				await start('main');
				pids.n8n = main.pid;
			},
			jobs: () => {
				const jobs = new Map<string, JobHosts>();
				for (const p of processes) {
					for (const event of queueEvents(p.eventLog)) {
						const entry = jobs.get(event.executionId) ?? { enqueuedBy: [], ranOn: [] };
						if (event.eventName === 'n8n.queue.job.enqueued') entry.enqueuedBy.push(p.name);
						if (event.eventName === 'n8n.queue.job.dequeued') entry.ranOn.push(p.name);
						jobs.set(event.executionId, entry);
					}
				}
				return jobs;
			},
			sql: (sql, params) => pgQuery(install, postgres, sql, params),
			stop: stopOnce(options, stateDir, stopAll),
		};
	} catch (error) {
		log(`queue stack startup failed; logs kept in ${stateDir}`);
		await stopAll();
		throw error;
	}
}

/** The rows n8n writes when it installs a community package, so Settings → Community nodes lists it. */
async function recordInstalledPackage(
	n8n: N8nClient,
	install: N8nInstall,
	postgres: PostgresServer,
	userFolder: string,
): Promise<void> {
	// The node types file is large; on a loaded machine a reused keep-alive socket is sometimes
	// closed under it ("other side closed"): ask again.
	const rows = async () => await n8n.installedPackageRows(join(userFolder, '.n8n'), PACKAGE_NAME);
	const { pkg, nodes } = await rows().catch(async () => await rows());
	const run = (sql: string, params: unknown[]) => pgQuery(install, postgres, sql, params);
	run('DELETE FROM installed_nodes WHERE package = $1', [pkg.name]);
	run('DELETE FROM installed_packages WHERE "packageName" = $1', [pkg.name]);
	run(
		'INSERT INTO installed_packages ("packageName", "installedVersion", "authorName", "authorEmail") VALUES ($1, $2, $3, $4)',
		[pkg.name, pkg.version, pkg.authorName, pkg.authorEmail],
	);
	for (const node of nodes) {
		run(
			'INSERT INTO installed_nodes (name, type, "latestVersion", package) VALUES ($1, $2, $3, $4)',
			[node.name, node.type, node.latestVersion, pkg.name],
		);
	}
}
