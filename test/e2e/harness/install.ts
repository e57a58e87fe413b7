// The n8n install: n8n 2.40.7 and Node 24 from npm into a cache outside the repository.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test harness, not node code: it runs processes, files and the network on purpose */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';
import { isAlive, run, sleep } from '../processes';
import {
	type Log,
	N8N_VERSION,
	NODE_RUNTIME_PACKAGE,
	NODE_RUNTIME_VERSION,
	defaultLog,
} from './constants';

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

export function installPaths(dir: string): N8nInstall {
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
export async function withLock<T>(
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
