// Contract §3 (authentication), §4 (External API endpoints) and §9 (error bodies), over raw HTTP.
import type { Sandbox } from './server';
import {
	admin,
	bearer,
	call,
	getTokens,
	postJson,
	PYTHON_ISO,
	startReceiver,
	startTestSandbox,
	type TokenSet,
	waitUntil,
} from './testkit';

let sandbox: Sandbox;
let tokens: TokenSet;
let api: string;

beforeAll(async () => {
	sandbox = await startTestSandbox();
	api = sandbox.apiUrl;
});
afterAll(() => sandbox.stop());
beforeEach(async () => {
	await admin(sandbox, 'POST', 'reset');
	tokens = await getTokens(sandbox);
});

const auth = () => bearer(tokens.access_token);
const apiKey = () => ({ 'x-api-key': sandbox.info.apiKey });
const execute = (agent: string, body: unknown, headers: Record<string, string> = auth()) =>
	postJson(`${api}/executions/agents/${sandbox.info.agents[agent]}/execute`, body, headers);
const status = (executionId: string, headers: Record<string, string> = auth()) =>
	call(`${api}/executions/${executionId}`, { headers });
const waitForStatus = (executionId: string, wanted: string) =>
	waitUntil(async () => {
		const answer = await status(executionId);
		return answer.json.status === wanted ? answer.json : undefined;
	});
const grantsByProvider = async () => {
	const all = (await admin(sandbox, 'GET', 'grants')).json as Array<{
		id: string;
		provider: string;
		credential_id: string;
	}>;
	return Object.fromEntries(all.map((grant) => [grant.provider, grant]));
};

describe('§3 authentication', () => {
	it('401 {"detail"} without credentials, with a bad token, with a bad API key', async () => {
		const attempts: Array<Record<string, string>> = [
			{},
			bearer('agpt_xt_nope'),
			{ 'x-api-key': 'agpt_nope' },
		];
		for (const headers of attempts) {
			const answer = await call(`${api}/executions/capabilities`, { headers });
			expect(answer.status).toBe(401);
			expect(answer.json).toEqual({ detail: expect.any(String) });
		}
	});

	it('403 {"detail"} when the token lacks the scope', async () => {
		const narrow = await getTokens(sandbox, 'openid profile');
		const answer = await call(`${api}/executions/capabilities`, {
			headers: bearer(narrow.access_token),
		});
		expect(answer.status).toBe(403);
		expect(answer.json.detail).toMatch(/agents:execute/);
		const grants = await call(`${api}/grants/`, { headers: bearer(narrow.access_token) });
		expect(grants.status).toBe(403);
	});

	it('an API key runs agents, but has no grants and no webhook_url', async () => {
		const capabilities = await call(`${api}/executions/capabilities`, { headers: apiKey() });
		expect(capabilities.status).toBe(200);
		expect(capabilities.json.client_id).toBeNull();

		const run = await execute('echo', { inputs: { a: 1 } }, apiKey());
		expect(run.status).toBe(200);
		expect(run.json.status).toBe('queued');

		expect((await call(`${api}/grants/`, { headers: apiKey() })).status).toBe(403);
		const withWebhook = await execute(
			'echo',
			{ inputs: {}, webhook_url: 'http://localhost:1/hook' },
			apiKey(),
		);
		expect(withWebhook.status).toBe(400);
		expect(withWebhook.json).toEqual({ detail: 'webhook_url requires an OAuth client' });
	});
});

describe('§4 executions', () => {
	it('capabilities lists the client, the user and the usable grants', async () => {
		const answer = await call(`${api}/executions/capabilities`, { headers: auth() });
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({
			user_id: expect.any(String),
			client_id: sandbox.info.clientId,
			grants: expect.arrayContaining([
				{ grant_id: expect.any(String), provider: 'google', scopes: expect.any(Array) },
				{ grant_id: expect.any(String), provider: 'github', scopes: expect.any(Array) },
			]),
			available_scopes: expect.any(Array),
		});
		expect(answer.json.grants).toHaveLength(2); // the expired linear grant is left out
	});

	// Each state is held long enough to be seen whatever the machine is doing: the schedule is
	// stretched for the state under test instead of racing a 0.02 s window (fixtures are no live
	// config key: timeFactor and the slow agent's input are).
	it('a new execution is QUEUED, with no times, outputs or error yet', async () => {
		await admin(sandbox, 'POST', 'config', { timeFactor: 10_000 });
		const run = await execute('echo', { inputs: { text: 'héllo' } });
		expect(run.status).toBe(200);
		expect(run.json).toEqual({
			execution_id: expect.any(String),
			status: 'queued',
			message: expect.any(String),
		});
		const queued = await status(run.json.execution_id);
		expect(queued.json).toEqual({
			execution_id: run.json.execution_id,
			status: 'QUEUED',
			started_at: null,
			completed_at: null,
			outputs: null,
			error: null,
		});
	});

	it('then RUNNING, with a start time and nothing else', async () => {
		const run = await execute('slow', { inputs: { seconds: 3600 } });
		const running = await waitForStatus(run.json.execution_id, 'RUNNING');
		expect(running).toEqual({
			execution_id: run.json.execution_id,
			status: 'RUNNING',
			started_at: expect.stringMatching(PYTHON_ISO),
			completed_at: null,
			outputs: null,
			error: null,
		});
	});

	it('then COMPLETED, outputs mirroring inputs', async () => {
		const run = await execute('echo', { inputs: { text: 'héllo', n: 2.5, list: [1, 2] } });
		const done = await waitForStatus(run.json.execution_id, 'COMPLETED');
		expect(done.outputs).toEqual({ text: ['héllo'], n: [2.5], list: [[1, 2]] });
		expect(done.started_at).toMatch(PYTHON_ISO);
		expect(done.completed_at).toMatch(PYTHON_ISO);
		expect(done.error).toBeNull();
	});

	it('statusCase lower spells GET in lower case; execute always says "queued"', async () => {
		await admin(sandbox, 'POST', 'config', { statusCase: 'lower', timeFactor: 10_000 });
		const run = await execute('echo', { inputs: {} });
		expect(run.json.status).toBe('queued');
		expect((await status(run.json.execution_id)).json.status).toBe('queued');
		await admin(sandbox, 'POST', `executions/${run.json.execution_id}/status`, {
			status: 'COMPLETED',
			outputs: {},
		});
		await waitForStatus(run.json.execution_id, 'completed');
	});

	it('the failing agent fails with inputs.message', async () => {
		const run = await execute('failing', { inputs: { message: 'Boom: quota exceeded' } });
		const failed = await waitForStatus(run.json.execution_id, 'FAILED');
		expect(failed.error).toBe('Boom: quota exceeded');
		expect(failed.outputs).toBeNull();
	});

	it('the review agent stops in REVIEW', async () => {
		const run = await execute('review', { inputs: {} });
		await waitForStatus(run.json.execution_id, 'REVIEW');
	});

	it('the large agent completes with an output of 5 MB or more', async () => {
		const run = await execute('large', { inputs: {} });
		await waitForStatus(run.json.execution_id, 'COMPLETED');
		const answer = await status(run.json.execution_id);
		expect(answer.text.length).toBeGreaterThanOrEqual(5 * 1024 * 1024);
	});

	it('cancel terminates a slow run; other statuses cannot be cancelled', async () => {
		const run = await execute('slow', { inputs: { seconds: 30 } });
		await waitForStatus(run.json.execution_id, 'RUNNING');
		const cancelled = await call(`${api}/executions/${run.json.execution_id}/cancel`, {
			method: 'POST',
			headers: auth(),
		});
		expect(cancelled.status).toBe(200);
		expect(cancelled.json).toEqual({
			message: 'Execution terminated',
			execution_id: run.json.execution_id,
		});
		expect((await status(run.json.execution_id)).json.status).toBe('TERMINATED');

		const again = await call(`${api}/executions/${run.json.execution_id}/cancel`, {
			method: 'POST',
			headers: auth(),
		});
		expect(again.status).toBe(400);
		expect(again.json).toEqual({ detail: 'Cannot cancel execution with status TERMINATED' });

		await admin(sandbox, 'POST', 'config', { statusCase: 'lower' });
		const lower = await call(`${api}/executions/${run.json.execution_id}/cancel`, {
			method: 'POST',
			headers: auth(),
		});
		expect(lower.json).toEqual({ detail: 'Cannot cancel execution with status terminated' });

		const unknown = await call(`${api}/executions/00000000-0000-0000-0000-000000000000/cancel`, {
			method: 'POST',
			headers: auth(),
		});
		expect(unknown.status).toBe(404);
	});

	it('the slow agent runs inputs.seconds seconds (times timeFactor)', async () => {
		const started = Date.now();
		const run = await execute('slow', { inputs: { seconds: 2 } });
		await waitForStatus(run.json.execution_id, 'COMPLETED');
		// 0.2 s queued + 2 s running, times 0.1
		expect(Date.now() - started).toBeGreaterThanOrEqual(200);
	});

	it('404 for an unknown agent and an unknown execution', async () => {
		const agent = await postJson(
			`${api}/executions/agents/00000000-0000-0000-0000-000000000000/execute`,
			{ inputs: {} },
			auth(),
		);
		expect(agent.status).toBe(404);
		expect(agent.json).toEqual({ detail: expect.any(String) });
		expect((await status('00000000-0000-0000-0000-000000000000')).status).toBe(404);
	});

	it('grant validation: an agent needing google fails without a google grant', async () => {
		const { github, google } = await grantsByProvider();
		const without = await execute('needsGoogle', { inputs: {}, grant_ids: [github.id] });
		expect(without.status).toBe(403);
		expect(without.json.detail).toMatch(/^Grant validation failed: /);

		const explicit = await execute('needsGoogle', { inputs: {}, grant_ids: [google.id] });
		expect(explicit.status).toBe(200);
		const implicit = await execute('needsGoogle', { inputs: {} });
		expect(implicit.status).toBe(200);
		const executions = (await admin(sandbox, 'GET', 'executions')).json;
		expect(
			executions.find(
				(run: { execution_id: string }) => run.execution_id === implicit.json.execution_id,
			),
		).toMatchObject({
			grant_ids: null,
			used_grant_ids: [google.id],
		});
	});

	it('webhook_url must be in the client webhook_domains', async () => {
		const answer = await execute('echo', {
			inputs: {},
			webhook_url: 'https://hooks.example.org/x',
		});
		expect(answer.status).toBe(400);
		expect(answer.json).toEqual({ detail: 'Webhook URL not in allowed domains for this client' });
		const plainHttp = await execute('echo', {
			inputs: {},
			webhook_url: 'http://hooks.example.org/x',
		});
		expect(plainHttp.status).toBe(400);
		expect(plainHttp.json.detail).toMatch(/^Invalid request: /);
	});

	it('422 validation errors in FastAPI shape', async () => {
		const missing = await execute('echo', {});
		expect(missing.status).toBe(422);
		expect(missing.json).toEqual({
			detail: [{ loc: ['body', 'inputs'], msg: 'Field required', type: 'missing' }],
		});
		const wrongTypes = await execute('echo', { inputs: [], grant_ids: 'x' });
		expect(wrongTypes.status).toBe(422);
		expect(wrongTypes.json.detail.map((issue: { loc: unknown }) => issue.loc)).toEqual([
			['body', 'inputs'],
			['body', 'grant_ids'],
		]);
		const broken = await call(`${api}/executions/agents/${sandbox.info.agents.echo}/execute`, {
			method: 'POST',
			headers: { ...auth(), 'content-type': 'application/json' },
			body: '{"inputs": ',
		});
		expect(broken.status).toBe(422);
		expect(broken.json.detail[0]).toMatchObject({
			type: 'json_invalid',
			msg: expect.any(String),
			loc: ['body', expect.any(Number)],
		});
	});
});

describe('§4 grants', () => {
	it('lists valid grants in the contract shape, leaving expired ones out', async () => {
		const answer = await call(`${api}/grants/`, { headers: auth() });
		expect(answer.status).toBe(200);
		expect(answer.json).toHaveLength(2);
		for (const grant of answer.json) {
			expect(Object.keys(grant).sort()).toEqual(
				[
					'created_at',
					'expires_at',
					'granted_scopes',
					'id',
					'last_used_at',
					'permissions',
					'provider',
				].sort(),
			);
			expect(grant.created_at).toMatch(PYTHON_ISO);
		}
		const byProvider = Object.fromEntries(
			answer.json.map((grant: { provider: string }) => [grant.provider, grant]),
		);
		expect(byProvider.google.permissions).toEqual(['USE', 'DELETE']);
		expect(byProvider.github.permissions).toEqual(['USE']);
	});

	it('FastAPI redirects /grants to /grants/', async () => {
		const answer = await call(`${api}/grants`, { headers: auth() });
		expect(answer.status).toBe(307);
		expect(answer.headers.get('location')).toMatch(/\/grants\/$/);
	});

	it('GET one grant; 404 when expired or revoked', async () => {
		const { google, linear, github } = await grantsByProvider();
		const one = await call(`${api}/grants/${google.id}`, { headers: auth() });
		expect(one.status).toBe(200);
		expect(Object.keys(one.json).sort()).toEqual(
			[
				'created_at',
				'credential_id',
				'expires_at',
				'granted_scopes',
				'id',
				'last_used_at',
				'permissions',
				'provider',
				'revoked_at',
				'updated_at',
			].sort(),
		);
		expect((await call(`${api}/grants/${linear.id}`, { headers: auth() })).status).toBe(404);
		await admin(sandbox, 'POST', `grants/${github.id}/revoke`);
		expect((await call(`${api}/grants/${github.id}`, { headers: auth() })).status).toBe(404);
	});

	it('DELETE credential: 403 without DELETE, 400 when expired or revoked, 200 otherwise', async () => {
		const { google, linear, github } = await grantsByProvider();
		const del = (grantId: string) =>
			call(`${api}/grants/${grantId}/credential`, { method: 'DELETE', headers: auth() });

		expect((await del(github.id)).status).toBe(403);
		expect((await del(linear.id)).status).toBe(400);
		const deleted = await del(google.id);
		expect(deleted.status).toBe(200);
		expect(deleted.json).toEqual({ message: 'Credential deleted successfully' });
		expect((await del(google.id)).status).toBe(400);
		expect((await call(`${api}/grants/${google.id}`, { headers: auth() })).status).toBe(404);
		expect((await del('00000000-0000-0000-0000-000000000000')).status).toBe(404);
	});

	it('deleting a credential revokes every grant on it, each sending grant.revoked', async () => {
		const { google } = await grantsByProvider();
		const second = await admin(sandbox, 'POST', 'grants', {
			provider: 'google',
			credentialId: google.credential_id,
			scopes: ['google:drive.read'],
			permissions: ['USE'],
		});
		const receiver = await startReceiver();
		try {
			const subscription = await postJson(
				`${api}/webhooks`,
				{ url: receiver.url, events: ['grant.revoked'] },
				auth(),
			);
			expect(subscription.status).toBe(201);

			const deleted = await call(`${api}/grants/${google.id}/credential`, {
				method: 'DELETE',
				headers: auth(),
			});
			expect(deleted.status).toBe(200);
			await waitUntil(() => receiver.received.length >= 2);
			const events = receiver.received.map((delivery) => JSON.parse(delivery.body));
			expect(events.map((event) => event.event)).toEqual(['grant.revoked', 'grant.revoked']);
			expect(events.map((event) => event.data.grant_id).sort()).toEqual(
				[google.id, second.json.id].sort(),
			);
			for (const event of events) {
				expect(event.data).toEqual({
					grant_id: expect.any(String),
					credential_id: google.credential_id,
					provider: 'google',
				});
			}
			const grants = await call(`${api}/grants/`, { headers: auth() });
			expect(grants.json.map((grant: { provider: string }) => grant.provider)).toEqual(['github']);
		} finally {
			await receiver.close();
		}
	});
});

describe('§9 error bodies', () => {
	it('unknown routes 404 and wrong methods 405, FastAPI style', async () => {
		const notFound = await call(`${api}/nothing/here`, { headers: auth() });
		expect(notFound.status).toBe(404);
		expect(notFound.json).toEqual({ detail: 'Not Found' });
		const wrongMethod = await call(`${api}/executions/capabilities`, {
			method: 'DELETE',
			headers: auth(),
		});
		expect(wrongMethod.status).toBe(405);
		expect(wrongMethod.json).toEqual({ detail: 'Method Not Allowed' });
	});

	it('no answer carries a token, secret or API key', async () => {
		const answers = [
			await call(`${api}/executions/capabilities`, { headers: bearer(`${tokens.access_token}x`) }),
			await call(`${api}/executions/capabilities`, {
				headers: { 'x-api-key': `${sandbox.info.apiKey}x` },
			}),
			await execute('echo', { inputs: {}, webhook_url: 'https://hooks.example.org/x' }),
		];
		for (const answer of answers) {
			for (const secret of [
				tokens.access_token,
				sandbox.info.apiKey,
				sandbox.info.clientSecret,
				sandbox.info.webhookSecret,
			]) {
				expect(answer.text).not.toContain(secret);
			}
		}
	});
});
