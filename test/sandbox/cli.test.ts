// The command line: `npx tsx test/sandbox/cli.ts --port 0 [--config FILE]` prints one JSON line
// and stops cleanly on SIGTERM.
/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { call } from './testkit';

const ROOT = resolve(__dirname, '../..');

interface Started {
	child: ChildProcess;
	line: string;
	stderr: () => string;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns the CLI in its own process group, so SIGTERM reaches every process of the chain
 * (npx → sh → tsx → node), as a terminal's Ctrl-C or a supervisor's stop would.
 */
function startCli(command: 'npx' | 'node', args: string[]): Promise<Started> {
	// `node --import tsx` is what `npm run sandbox` runs: the tsx binary relays a signal to its child
	// and kills it (143) when the child does not confirm within 30 ms, which a busy machine misses.
	const [file, prefix] =
		command === 'npx' ? ['npx', ['tsx']] : [process.execPath, ['--import', 'tsx']];
	const child = spawn(file, [...prefix, 'test/sandbox/cli.ts', ...args], {
		cwd: ROOT,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
		(resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })),
	);
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	return new Promise((resolveStart, reject) => {
		let stdout = '';
		const timer = setTimeout(
			() => reject(new Error(`no line within 120 s; stderr: ${stderr}`)),
			120_000,
		);
		child.stdout!.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			if (stdout.includes('\n')) {
				clearTimeout(timer);
				resolveStart({ child, line: stdout, exited, stderr: () => stderr });
			}
		});
		child.on('exit', (code) =>
			reject(new Error(`exited ${code} before printing; stderr: ${stderr}`)),
		);
	});
}

async function stop(started: Started) {
	process.kill(-started.child.pid!, 'SIGTERM');
	return started.exited;
}

async function refusesConnections(url: string): Promise<boolean> {
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		try {
			await fetch(url);
		} catch {
			return true;
		}
		await new Promise((resolveWait) => setTimeout(resolveWait, 50));
	}
	return false;
}

describe('command line', () => {
	it('prints exactly one JSON line, serves, and stops on SIGTERM', async () => {
		const started = await startCli('npx', ['--port', '0']);
		let url = '';
		try {
			await new Promise((resolveWait) => setTimeout(resolveWait, 200));
			const lines = started.line.split('\n').filter(Boolean);
			expect(lines).toHaveLength(1);
			const info = JSON.parse(lines[0]);
			expect(Object.keys(info).sort()).toEqual(
				['agents', 'apiKey', 'apiUrl', 'clientId', 'clientSecret', 'url', 'webhookSecret'].sort(),
			);
			expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			expect(info.apiUrl).toBe(`${info.url}/api/external/v1`);
			expect(info.apiKey).toMatch(/^agpt_/);
			expect(Object.keys(info.agents)).toEqual(
				expect.arrayContaining(['echo', 'slow', 'failing', 'needsGoogle', 'large', 'review']),
			);
			for (const id of Object.values(info.agents)) {
				expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
			}
			const discovery = await call(`${info.url}/.well-known/openid-configuration`);
			expect(discovery.json.issuer).toBe(info.url);
			url = info.url;
		} finally {
			await stop(started);
		}
		expect(await refusesConnections(`${url}/.well-known/openid-configuration`)).toBe(true);
		expect(started.stderr()).toContain('SIGTERM, stopping');
	}, 30_000);

	it('reads fixtures, redirect URIs and identities from --config, and exits 0 on SIGTERM', async () => {
		const directory = mkdtempSync(join(tmpdir(), 'sandbox-config-'));
		const file = join(directory, 'sandbox.json');
		writeFileSync(
			file,
			JSON.stringify({
				apiPrefix: '/external-api/v1',
				client: {
					clientId: 'agpt_client_fixed',
					redirectUris: ['https://n8n.example.com/rest/oauth2-credential/callback'],
				},
				agents: {
					summarize: { behavior: 'fixed', outputs: { summary: ['short'] } },
					large: null,
				},
			}),
		);
		const started = await startCli('node', ['--port', '0', '--config', file]);
		try {
			const info = JSON.parse(started.line);
			expect(info.clientId).toBe('agpt_client_fixed');
			expect(info.apiUrl).toBe(`${info.url}/external-api/v1`);
			expect(info.agents.summarize).toMatch(/^[0-9a-f-]{36}$/);
			expect(info.agents.large).toBeUndefined();
			const authorize = await call(
				`${info.url}/oauth/authorize?${new URLSearchParams({
					response_type: 'code',
					client_id: 'agpt_client_fixed',
					redirect_uri: 'https://n8n.example.com/rest/oauth2-credential/callback',
					state: 's',
					code_challenge: 'x'.repeat(43),
					scope: 'openid',
				})}`,
			);
			expect(authorize.status).toBe(200);
		} finally {
			// node is the sandbox's own process: a clean stop is 0.
			expect(await stop(started)).toEqual({ code: 0, signal: null });
		}
	}, 30_000);
});
