// A real PostgreSQL for the queue-mode stack: Debian's server binaries, a cluster of its own in the
// state directory, on a free loopback port, run as an unprivileged user (PostgreSQL refuses root).
/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'fs';
import { join } from 'path';

import { freePort, run, sleep, startProcess, tail, type StartedProcess } from '../processes';
import type { Log } from './constants';
import { ensureDebianPackages } from './debian';
import type { N8nInstall } from './install';

export interface PostgresServer {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
	process: StartedProcess;
	logFile: string;
}

/** The newest `/usr/lib/postgresql/<version>/bin` with a server in it (N8N_E2E_PG_BIN overrides). */
export function postgresBinDir(): string | undefined {
	const given = process.env.N8N_E2E_PG_BIN;
	if (given) return existsSync(join(given, 'postgres')) ? given : undefined;
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((version) => existsSync(join(root, version, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? join(root, versions[0], 'bin') : undefined;
}

export async function ensurePostgres(log: Log): Promise<string> {
	await ensureDebianPackages(['postgresql'], () => postgresBinDir() !== undefined, log);
	return postgresBinDir()!;
}

/** Who runs the server: `nobody` when we are root, else ourselves. */
function serverUser(): { uid?: number; gid?: number } {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
	const id = (flag: string) =>
		Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
	return { uid: id('-u'), gid: id('-g') };
}

/**
 * initdb + postgres in `<stateDir>/postgres`, then a database for n8n. Durability is off (fsync,
 * synchronous commit): the data lives as long as the test run.
 */
export async function startPostgres(
	install: N8nInstall,
	stateDir: string,
	log: Log,
): Promise<PostgresServer> {
	const bin = await ensurePostgres(log);
	const user = serverUser();
	// The state directory is root's and private; the server's user only needs to pass through it.
	if (user.uid !== undefined) chmodSync(stateDir, 0o711);
	const home = join(stateDir, 'postgres');
	const dataDir = join(home, 'data');
	mkdirSync(home, { recursive: true });
	if (user.uid !== undefined) chownSync(home, user.uid, user.gid!);
	const password = randomBytes(18).toString('base64url');
	const passwordFile = join(home, 'password');
	writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
	if (user.uid !== undefined) chownSync(passwordFile, user.uid, user.gid!);
	const logFile = join(stateDir, 'postgres.log');
	const env = { PATH: `${bin}:/usr/bin:/bin`, LC_ALL: 'C', LANG: 'C' };
	run(
		join(bin, 'initdb'),
		[
			'-D',
			dataDir,
			'-U',
			'n8n',
			`--pwfile=${passwordFile}`,
			'--auth-host=scram-sha-256',
			'--auth-local=trust',
			'-E',
			'UTF8',
			'--no-sync',
		],
		{ cwd: home, env, logFile, what: 'initdb', ...user },
	);
	const port = await freePort();
	const proc = startProcess(
		'postgres',
		join(bin, 'postgres'),
		[
			'-D',
			dataDir,
			'-p',
			String(port),
			'-h',
			'127.0.0.1',
			'-k',
			'',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'max_connections=200',
		],
		{ cwd: home, env, logFile, ...user },
	);
	const server: PostgresServer = {
		host: '127.0.0.1',
		port,
		user: 'n8n',
		password,
		database: 'n8n',
		process: proc,
		logFile,
	};
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (proc.hasExited()) throw new Error(`postgres exited; log ${logFile}:\n${tail(logFile)}`);
		const ready = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], {
			env,
		});
		if (ready.status === 0) break;
		if (Date.now() > deadline)
			throw new Error(`postgres did not start; log ${logFile}:\n${tail(logFile)}`);
		await sleep(200);
	}
	pgQuery(install, { ...server, database: 'postgres' }, 'CREATE DATABASE n8n');
	log(`postgres up on 127.0.0.1:${port} (${bin})`);
	return server;
}

/** One SQL statement through the `pg` driver n8n itself ships, run by n8n's Node. */
export function pgQuery<T = Record<string, unknown>>(
	install: N8nInstall,
	server: Pick<PostgresServer, 'host' | 'port' | 'user' | 'password' | 'database'>,
	sql: string,
	params: unknown[] = [],
): T[] {
	const script = `
const { Client } = require('pg');
const [connection, sql, params] = process.argv.slice(1).map((a) => JSON.parse(a));
const client = new Client(connection);
client.connect()
	.then(() => client.query(sql, params))
	.then((result) => { process.stdout.write(JSON.stringify(result.rows ?? [])); return client.end(); })
	.catch((error) => { process.stderr.write(error.message); process.exit(1); });
`;
	const { host, port, user, password, database } = server;
	const result = spawnSync(
		install.nodeBin,
		[
			'-e',
			script,
			JSON.stringify({ host, port, user, password, database }),
			JSON.stringify(sql),
			JSON.stringify(params),
		],
		{ cwd: install.dir, encoding: 'utf8', maxBuffer: 512 * 2 ** 20 },
	);
	if (result.status !== 0) throw new Error(`postgres: ${sql.slice(0, 80)}: ${result.stderr}`);
	return JSON.parse(result.stdout || '[]') as T[];
}
