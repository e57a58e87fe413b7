// The live-v1 sandbox on the wire: authentication and permissions, graphs and their results, the
// rate limits of PR #14545, the paywall, and the admin API. (Shapes are judged against the live
// OpenAPI document in test/integration/liveV1.conformance.test.ts.)
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { waitUntil } from '../testkit';
import type { LiveV1Sandbox } from './server';
import { liveAdmin, mintApiKey, startTestLiveV1Sandbox, v1 } from './testkit';

let sandbox: LiveV1Sandbox;
const echo = () => sandbox.info.graphs.echo;

beforeAll(async () => {
	sandbox = await startTestLiveV1Sandbox();
});
afterEach(async () => {
	await liveAdmin(sandbox, 'POST', 'reset');
});
afterAll(async () => {
	await sandbox.stop();
});

async function runToEnd(graphId: string, version: number, nodeInput: unknown) {
	const started = await v1(sandbox, `/v1/graphs/${graphId}/execute/${version}`, {
		method: 'POST',
		body: { node_input: nodeInput },
	});
	expect(started.status).toBe(200);
	const id = started.json.id as string;
	return await waitUntil(async () => {
		const results = await v1(sandbox, `/v1/graphs/${graphId}/executions/${id}/results`);
		return ['COMPLETED', 'FAILED', 'REVIEW'].includes(results.json.status)
			? results.json
			: undefined;
	});
}

describe('authentication and permissions', () => {
	test('401 in the platform’s words without a key, with an unknown key, and with a Bearer token', async () => {
		expect((await v1(sandbox, '/v1/me', { apiKey: null })).json).toEqual({
			detail: 'Missing authentication. Provide API key or access token.',
		});
		const unknown = await v1(sandbox, '/v1/me', { apiKey: 'agpt_unknown' });
		expect([unknown.status, unknown.json]).toEqual([401, { detail: 'Invalid API key' }]);
		const bearer = await fetch(`${sandbox.apiUrl}/v1/me`, {
			headers: { authorization: 'Bearer agpt_xt_expired' },
		});
		expect([bearer.status, await bearer.json()]).toEqual([401, { detail: 'Invalid token' }]);
	});

	test('a minted key has only its permissions; the store needs none', async () => {
		const key = await mintApiKey(sandbox, ['IDENTITY']);
		expect((await v1(sandbox, '/v1/me', { apiKey: key })).status).toBe(200);
		const refused = await v1(sandbox, `/v1/graphs/${echo().id}/execute/3`, {
			method: 'POST',
			apiKey: key,
		});
		expect([refused.status, refused.json]).toEqual([
			403,
			{ detail: 'Missing required permission(s): EXECUTE_GRAPH' },
		]);
		expect((await v1(sandbox, '/v1/store/agents', { apiKey: key })).status).toBe(200);
		const bad = await liveAdmin(sandbox, 'POST', 'api-keys', { permissions: ['EVERYTHING'] });
		expect(bad.status).toBe(400);
	});
});

describe('graphs', () => {
	test('an execution goes QUEUED → RUNNING → COMPLETED; output lists one {name: text} per value', async () => {
		const results = await runToEnd(echo().id, 3, { topic: 'a', n: 1.5, flag: true });
		expect(results.status).toBe('COMPLETED');
		expect(results.output).toEqual([{ topic: 'a' }, { n: '1.5' }, { flag: 'true' }]);
		expect(results.nodes.length).toBeGreaterThan(0);
	});

	test('output is null until COMPLETED; a failed run reports its block error in nodes', async () => {
		const failed = await runToEnd(sandbox.info.graphs.failing.id, 1, { message: 'boom' });
		expect(failed.status).toBe('FAILED');
		expect(failed.output).toBeNull();
		expect(
			failed.nodes.map((node: { output: { error?: string[] } }) => node.output.error),
		).toContainEqual(['boom']);
	});

	test('an unknown version or graph is a 400; a version that is not a number a 422', async () => {
		const unknown = await v1(sandbox, `/v1/graphs/${echo().id}/execute/4`, { method: 'POST' });
		expect([unknown.status, unknown.json]).toEqual([
			400,
			{ detail: `Graph #${echo().id} not found.` },
		]);
		const latest = await v1(sandbox, `/v1/graphs/${echo().id}/execute/latest`, { method: 'POST' });
		expect(latest.status).toBe(422);
		expect(latest.json.detail[0].loc).toEqual(['path', 'graph_version']);
	});

	test('results of an unknown execution: 404', async () => {
		const missing = await v1(sandbox, `/v1/graphs/${echo().id}/executions/nope/results`);
		expect([missing.status, missing.json]).toEqual([
			404,
			{ detail: 'Graph execution #nope not found.' },
		]);
	});

	test('the admin API approves a review and forces a status', async () => {
		const review = await runToEnd(sandbox.info.graphs.review.id, 1, {});
		expect(review.status).toBe('REVIEW');
		const approved = await liveAdmin(
			sandbox,
			'POST',
			`executions/${review.execution_id}/review`,
			{},
		);
		expect(approved.json.results).toMatchObject({
			status: 'COMPLETED',
			output: [{ approved: 'true' }],
		});
		const slow = await v1(sandbox, `/v1/graphs/${sandbox.info.graphs.slow.id}/execute/1`, {
			method: 'POST',
			body: { node_input: { seconds: 60 } },
		});
		const forced = await liveAdmin(sandbox, 'POST', `executions/${slow.json.id}/status`, {
			status: 'TERMINATED',
		});
		expect(forced.json.status).toBe('TERMINATED');
	});
});

describe('rate limits, paywall, faults and reset', () => {
	test('answers carry X-RateLimit-*; over the limit a 429 says when to come back', async () => {
		await liveAdmin(sandbox, 'POST', 'config', { rateLimits: { execute: { perMinute: 1 } } });
		const first = await v1(sandbox, `/v1/graphs/${echo().id}/execute/3`, { method: 'POST' });
		expect(first.headers.get('x-ratelimit-remaining')).toBe('0');
		const second = await v1(sandbox, `/v1/graphs/${echo().id}/execute/3`, { method: 'POST' });
		expect(second.status).toBe(429);
		expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(second.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
		// Reads have their own budget.
		expect((await v1(sandbox, '/v1/me')).status).toBe(200);
	});

	test('the paywall answers charged calls with 402; reset lifts it', async () => {
		await liveAdmin(sandbox, 'POST', 'config', { paywall: true });
		expect(
			(await v1(sandbox, `/v1/graphs/${echo().id}/execute/3`, { method: 'POST' })).status,
		).toBe(402);
		const block = await v1(sandbox, `/v1/blocks/${sandbox.info.blocks.storeValue}/execute`, {
			method: 'POST',
			body: { input: 1 },
		});
		expect(block.status).toBe(402);
		expect((await v1(sandbox, '/v1/me')).status).toBe(200);
		await liveAdmin(sandbox, 'POST', 'reset');
		expect((await liveAdmin(sandbox, 'GET', 'config')).json.paywall).toBe(false);
	});

	test('a fault answers instead of the route; config refuses unknown keys', async () => {
		await liveAdmin(sandbox, 'POST', 'faults', { path: '/v1/me$', status: 503 });
		expect((await v1(sandbox, '/v1/me')).status).toBe(503);
		expect((await v1(sandbox, '/v1/me')).status).toBe(200);
		const requests = (await liveAdmin(sandbox, 'GET', 'requests')).json;
		expect(requests.map((request: { fault: boolean }) => request.fault)).toEqual([true, false]);
		expect((await liveAdmin(sandbox, 'POST', 'config', { statusCase: 'lower' })).status).toBe(400);
	});
});

test('the command line prints one JSON line with url, apiUrl, apiKey and the graphs', async () => {
	const root = join(__dirname, '../../..');
	// node with tsx as a loader, not the tsx command: that one relays SIGTERM to its child and, when
	// the child does not confirm within 30 ms (a loaded machine), kills it and exits 143 itself.
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'test/sandbox/cli.ts', '--profile', 'live-v1'],
		{
			cwd: root,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	try {
		await waitUntil(() => output.includes('\n'), 30_000, 50);
		const info = JSON.parse(output.split('\n')[0]);
		expect(Object.keys(info).sort()).toEqual(
			['apiKey', 'apiUrl', 'blocks', 'graphs', 'profile', 'storeAgents', 'url'].sort(),
		);
		expect(info.apiUrl).toBe(`${info.url}/external-api`);
		expect(Object.keys(info.graphs)).toEqual(
			expect.arrayContaining(['echo', 'slow', 'failing', 'review']),
		);
		expect(info.graphs.echo).toEqual({ id: expect.any(String), version: 3 });
		const me = await fetch(`${info.apiUrl}/v1/me`, { headers: { 'x-api-key': info.apiKey } });
		expect(me.status).toBe(200);
	} finally {
		process.kill(-child.pid!, 'SIGTERM');
	}
	expect(await exited).toBe(0);
}, 60_000);
