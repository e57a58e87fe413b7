// Contract §11 (sandbox conventions) and the admin API under /_sandbox/: faults, the request
// log, consent, config merging, clock offset and reset.
import type { Sandbox } from './server';
import {
	admin,
	bearer,
	call,
	getTokens,
	postJson,
	PYTHON_ISO,
	startTestSandbox,
	waitUntil,
} from './testkit';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(() => sandbox.stop());
afterEach(() => admin(sandbox, 'POST', 'reset'));

const capabilities = (headers: Record<string, string> = { 'x-api-key': sandbox.info.apiKey }) =>
	call(`${sandbox.apiUrl}/executions/capabilities`, { headers });

describe('§11 faults', () => {
	it('the next `count` matching requests get the status and body, then all is normal again', async () => {
		const created = await admin(sandbox, 'POST', 'faults', {
			path: 'executions/capabilities',
			count: 2,
			status: 503,
			body: { detail: 'Service Unavailable' },
		});
		expect(created.status).toBe(201);
		for (let index = 0; index < 2; index++) {
			const answer = await capabilities();
			expect(answer.status).toBe(503);
			expect(answer.json).toEqual({ detail: 'Service Unavailable' });
		}
		expect((await capabilities()).status).toBe(200);
	});

	it('matches the path as an unanchored regex, prefix included, query excluded, method optional', async () => {
		const headers = { 'x-api-key': sandbox.info.apiKey };
		const executionPath = `${sandbox.apiUrl}/executions/00000000-0000-0000-0000-000000000000`;
		await admin(sandbox, 'POST', 'faults', {
			path: '^/api/external/v1/executions/[0-9a-f-]{36}$',
			method: 'GET',
			count: 1,
			status: 500,
		});
		await admin(sandbox, 'POST', 'faults', { path: 'secret=1', count: 1, status: 418 });
		// Another method on the same path is not matched, and the query string is never looked at.
		expect((await call(executionPath, { method: 'POST', headers })).status).toBe(405);
		expect(
			(await call(`${sandbox.apiUrl}/executions/capabilities?secret=1`, { headers })).status,
		).toBe(200);
		expect((await call(executionPath, { headers })).status).toBe(500);
		expect((await call(executionPath, { headers })).status).toBe(404);
	});

	it('drops the connection, sends malformed JSON, or delays', async () => {
		await admin(sandbox, 'POST', 'faults', { path: 'capabilities', count: 1, drop: true });
		await expect(capabilities()).rejects.toThrow();

		await admin(sandbox, 'POST', 'faults', { path: 'capabilities', count: 1, malformed: true });
		const malformed = await capabilities();
		expect(malformed.status).toBe(200);
		expect(malformed.headers.get('content-type')).toBe('application/json');
		expect(() => JSON.parse(malformed.text)).toThrow();

		await admin(sandbox, 'POST', 'faults', { path: 'capabilities', count: 1, delayMs: 300 });
		const started = Date.now();
		const delayed = await capabilities();
		expect(delayed.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});

	it('works on OAuth and admin routes too', async () => {
		await admin(sandbox, 'POST', 'faults', {
			path: '/oauth/token',
			count: 1,
			status: 502,
			body: 'Bad Gateway',
		});
		const token = await call(`${sandbox.url}/oauth/token`, { method: 'POST', body: '' });
		expect(token.status).toBe(502);
		expect(token.text).toBe('Bad Gateway');

		await admin(sandbox, 'POST', 'faults', { path: '/_sandbox/executions', count: 1, status: 500 });
		expect((await admin(sandbox, 'GET', 'executions')).status).toBe(500);
		expect((await admin(sandbox, 'GET', 'executions')).status).toBe(200);
	});

	it('a 429 fault carries Retry-After', async () => {
		await admin(sandbox, 'POST', 'faults', { path: 'capabilities', count: 1, status: 429 });
		const answer = await capabilities();
		expect(answer.status).toBe(429);
		expect(answer.headers.get('retry-after')).toBe('1');
	});

	it('refuses a rule without a valid path', async () => {
		expect((await admin(sandbox, 'POST', 'faults', { count: 1 })).status).toBe(400);
		expect((await admin(sandbox, 'POST', 'faults', { path: '(', count: 1 })).status).toBe(400);
	});
});

describe('§11 admin lists', () => {
	it('GET requests: [{method, path, status, at}], faults included', async () => {
		await admin(sandbox, 'POST', 'faults', { path: 'capabilities', count: 1, status: 500 });
		await capabilities();
		await capabilities();
		const log = (await admin(sandbox, 'GET', 'requests')).json;
		expect(
			log.map((entry: { method: string; path: string; status: number }) => [
				entry.method,
				entry.path,
				entry.status,
			]),
		).toEqual([
			['GET', '/api/external/v1/executions/capabilities', 500],
			['GET', '/api/external/v1/executions/capabilities', 200],
		]);
		expect(log[0].at).toMatch(PYTHON_ISO);
	});

	it('GET executions: [{execution_id, agent_id, status, inputs, grant_ids, webhook_url}] in the configured case', async () => {
		await admin(sandbox, 'POST', 'config', { timeFactor: 10 }); // long enough in QUEUED to look twice
		const run = await postJson(
			`${sandbox.apiUrl}/executions/agents/${sandbox.info.agents.slow}/execute`,
			{ inputs: { seconds: 60 } },
			{ 'x-api-key': sandbox.info.apiKey },
		);
		const [execution] = (await admin(sandbox, 'GET', 'executions')).json;
		expect(execution).toMatchObject({
			execution_id: run.json.execution_id,
			agent_id: sandbox.info.agents.slow,
			status: 'QUEUED',
			inputs: { seconds: 60 },
			grant_ids: null,
			webhook_url: null,
		});
		await admin(sandbox, 'POST', 'config', { statusCase: 'lower' });
		expect((await admin(sandbox, 'GET', 'executions')).json[0].status).toBe('queued');
	});

	it('a REVIEW execution can be approved through the admin API', async () => {
		const tokens = await getTokens(sandbox);
		const run = await postJson(
			`${sandbox.apiUrl}/executions/agents/${sandbox.info.agents.review}/execute`,
			{ inputs: {} },
			bearer(tokens.access_token),
		);
		await waitUntil(
			async () =>
				(await admin(sandbox, 'GET', `executions/${run.json.execution_id}`)).json.status ===
				'REVIEW',
		);
		const approved = await admin(sandbox, 'POST', `executions/${run.json.execution_id}/review`, {
			approve: true,
		});
		expect(approved.json.status).toBe('COMPLETED');
		const status = await call(`${sandbox.apiUrl}/executions/${run.json.execution_id}`, {
			headers: bearer(tokens.access_token),
		});
		expect(status.json).toMatchObject({ status: 'COMPLETED', outputs: { approved: [true] } });
	});
});

describe('§11 consent, config, clock, reset', () => {
	it('POST consent accepts manual, approve and deny only', async () => {
		expect((await admin(sandbox, 'POST', 'consent', { mode: 'approve' })).json).toEqual({
			mode: 'approve',
		});
		expect((await admin(sandbox, 'POST', 'consent', { mode: 'maybe' })).status).toBe(400);
	});

	it('POST config merges, refuses unknown keys and bad values', async () => {
		const merged = await admin(sandbox, 'POST', 'config', {
			tokenTtlSeconds: 60,
			signatureMode: 'raw',
		});
		expect(merged.json).toMatchObject({
			tokenTtlSeconds: 60,
			signatureMode: 'raw',
			statusCase: 'upper',
			timeFactor: 0.1,
		});
		expect((await admin(sandbox, 'POST', 'config', { statusCase: 'title' })).status).toBe(400);
		expect((await admin(sandbox, 'POST', 'config', { apiKey: 'x' })).status).toBe(400);
		expect((await admin(sandbox, 'GET', 'config')).json.tokenTtlSeconds).toBe(60);
	});

	it('clockOffsetSeconds shifts every timestamp the sandbox writes', async () => {
		await admin(sandbox, 'POST', 'config', { clockOffsetSeconds: 86_400 });
		const created = await postJson(
			`${sandbox.apiUrl}/webhooks`,
			{ url: 'https://hooks.example.org/x', events: ['execution.completed'] },
			{ 'x-api-key': sandbox.info.apiKey },
		);
		const shifted = Date.parse(created.json.created_at);
		expect(Math.abs(shifted - (Date.now() + 86_400_000))).toBeLessThan(5000);
	});

	it('POST reset returns to the starting state and configuration, identities unchanged', async () => {
		const tokens = await getTokens(sandbox);
		await admin(sandbox, 'POST', 'config', {
			statusCase: 'lower',
			rateLimits: { read: { perMinute: 1 } },
		});
		await admin(sandbox, 'POST', 'consent', { mode: 'deny' });
		await postJson(
			`${sandbox.apiUrl}/executions/agents/${sandbox.info.agents.echo}/execute`,
			{ inputs: {} },
			bearer(tokens.access_token),
		);
		const grants = (await admin(sandbox, 'GET', 'grants')).json;
		await admin(sandbox, 'POST', `grants/${grants[0].id}/revoke`);

		expect((await admin(sandbox, 'POST', 'reset')).status).toBe(200);
		expect((await admin(sandbox, 'GET', 'executions')).json).toEqual([]);
		expect((await admin(sandbox, 'GET', 'requests')).json).toEqual([]);
		expect((await admin(sandbox, 'GET', 'tokens')).json).toEqual([]);
		const config = (await admin(sandbox, 'GET', 'config')).json;
		expect(config).toMatchObject({
			statusCase: 'upper',
			consentMode: 'manual',
			rateLimits: { read: { perMinute: 60 } },
		});
		const after = (await admin(sandbox, 'GET', 'grants')).json;
		expect(after.map((grant: { id: string }) => grant.id)).toEqual(
			grants.map((grant: { id: string }) => grant.id),
		);
		expect(after[0].revoked_at).toBeNull();
		expect((await admin(sandbox, 'GET', 'info')).json).toEqual(sandbox.info);
		// The old token is gone with the state; the same client still works.
		expect(
			(await call(`${sandbox.url}/oauth/userinfo`, { headers: bearer(tokens.access_token) }))
				.status,
		).toBe(401);
		expect((await getTokens(sandbox)).access_token).toBeTruthy();
	});

	it('the sandbox object gives tests direct read access to its state', async () => {
		await postJson(
			`${sandbox.apiUrl}/executions/agents/${sandbox.info.agents.echo}/execute`,
			{ inputs: { a: 1 } },
			{ 'x-api-key': sandbox.info.apiKey },
		);
		expect([...sandbox.state.executions.values()][0].inputs).toEqual({ a: 1 });
		expect(sandbox.state.grants.size).toBe(3);
		expect(sandbox.config.apiPrefix).toBe('/api/external/v1');
	});
});
