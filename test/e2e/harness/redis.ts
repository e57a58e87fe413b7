// A real Redis for the queue-mode stack (n8n's Bull queue and its pub/sub): Debian's redis-server on
// a free loopback port, nothing persisted.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { existsSync, mkdirSync } from 'fs';
import { connect } from 'net';
import { join } from 'path';

import { freePort, sleep, startProcess, tail, type StartedProcess } from '../processes';
import type { Log } from './constants';
import { ensureDebianPackages } from './debian';

export interface RedisServer {
	host: string;
	port: number;
	process: StartedProcess;
	logFile: string;
}

export function redisServerBin(): string {
	return process.env.N8N_E2E_REDIS_SERVER ?? '/usr/bin/redis-server';
}

export async function ensureRedis(log: Log): Promise<string> {
	await ensureDebianPackages(['redis-server'], () => existsSync(redisServerBin()), log);
	return redisServerBin();
}

/** PING over a plain socket; true on +PONG. */
async function ping(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1_000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString();
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

export async function startRedis(stateDir: string, log: Log): Promise<RedisServer> {
	const bin = await ensureRedis(log);
	const dir = join(stateDir, 'redis');
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const logFile = join(stateDir, 'redis.log');
	const proc = startProcess(
		'redis',
		bin,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			dir,
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--protected-mode',
			'yes',
		],
		{ cwd: dir, env: { PATH: '/usr/bin:/bin' }, logFile },
	);
	const deadline = Date.now() + 30_000;
	while (!(await ping(port))) {
		if (proc.hasExited()) throw new Error(`redis exited; log ${logFile}:\n${tail(logFile)}`);
		if (Date.now() > deadline)
			throw new Error(`redis did not start; log ${logFile}:\n${tail(logFile)}`);
		await sleep(100);
	}
	log(`redis up on 127.0.0.1:${port}`);
	return { host: '127.0.0.1', port, process: proc, logFile };
}
