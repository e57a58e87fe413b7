/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-imports */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';

import {
	apiKeyCredentials,
	oauthCredentials,
	runAutoGpt,
	TestCredentialsHelper,
} from '../../helpers/workflow';

const PLATFORM = 'https://platform.test';
const API = `${PLATFORM}/api/external/v1`;
const API_KEY = 'agpt_secret_key_123';
const credentials = () =>
	new TestCredentialsHelper({ autoGptApi: apiKeyCredentials(API_KEY, PLATFORM) });

const getExecution = { resource: 'execution', operation: 'get', executionId: 'ex-1' };
const startAgent = {
	resource: 'agent',
	operation: 'execute',
	agent: { __rl: true, mode: 'id', value: 'agent-1' },
	inputSource: 'json',
	inputsJson: '{}',
	waitForCompletion: false,
};

beforeEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
	nock.enableNetConnect('127.0.0.1');
});

/** A loopback platform whose answers are scripted per request; nock cannot drop a real connection. */
async function withPlatform(
	answers: Array<'drop' | { status: number; body: unknown }>,
	run: (platformUrl: string, requests: string[]) => Promise<void>,
) {
	const requests: string[] = [];
	const server = http.createServer((req, res) => {
		requests.push(`${req.method} ${req.url}`);
		const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
		if (answer === 'drop') {
			req.socket.destroy();
			return;
		}
		res.writeHead(answer.status, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify(answer.body));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests);
	} finally {
		server.close();
	}
}
afterAll(() => nock.enableNetConnect());

describe('retries', () => {
	test('a 503 on GET is retried and the run succeeds', async () => {
		nock(API).get('/executions/ex-1').reply(503, { detail: 'busy' });
		nock(API).get('/executions/ex-1').reply(502, 'Bad gateway');
		nock(API).get('/executions/ex-1').reply(200, { execution_id: 'ex-1', status: 'RUNNING' });
		const result = await runAutoGpt({ credentials: credentials(), parameters: getExecution });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ execution_id: 'ex-1', status: 'running' });
	});

	test('a dropped connection on GET is retried', async () => {
		await withPlatform(
			['drop', { status: 200, body: { execution_id: 'ex-1', status: 'QUEUED' } }],
			async (url, requests) => {
				const helper = new TestCredentialsHelper({ autoGptApi: apiKeyCredentials(API_KEY, url) });
				const result = await runAutoGpt({ credentials: helper, parameters: getExecution });
				expect(result.error).toBeUndefined();
				expect(result.items[0].json).toEqual({ execution_id: 'ex-1', status: 'queued' });
				expect(requests).toEqual([
					'GET /api/external/v1/executions/ex-1',
					'GET /api/external/v1/executions/ex-1',
				]);
			},
		);
	});

	test('GET gives up after bounded retries with the status and the platform words', async () => {
		nock(API).get('/executions/ex-1').times(4).reply(500, { detail: 'Internal error' });
		const result = await runAutoGpt({ credentials: credentials(), parameters: getExecution });
		expect(result.error?.message).toBe(
			'Could not get execution ex-1: AutoGPT answered 500 Internal Server Error — Internal error. The AutoGPT platform had a problem. Try again in a moment.',
		);
		expect(nock.pendingMocks()).toEqual([]);
	}, 15000);

	test('execute is never repeated after a 500: the error says the run may have started', async () => {
		const scope = nock(API)
			.post('/executions/agents/agent-1/execute')
			.times(2)
			.reply(500, { detail: 'Internal server error' });
		const result = await runAutoGpt({ credentials: credentials(), parameters: startAgent });
		expect(result.error?.message).toBe(
			"Could not start agent agent-1: AutoGPT answered 500 Internal Server Error — Internal server error. The AutoGPT platform had a problem. Try again in a moment. The request was not repeated, so that no agent run is started twice: the run may have started. Look for it among the agent's executions in AutoGPT before running this again.",
		);
		expect(result.error?.description).toMatch(/may have started/);
		expect(scope.pendingMocks()).toHaveLength(1);
	});

	test('execute is never repeated after a dropped connection', async () => {
		await withPlatform(
			['drop', { status: 200, body: { execution_id: 'ex-2', status: 'queued' } }],
			async (url, requests) => {
				const helper = new TestCredentialsHelper({ autoGptApi: apiKeyCredentials(API_KEY, url) });
				const result = await runAutoGpt({ credentials: helper, parameters: startAgent });
				expect(result.error?.message).toBe(
					"Could not start agent agent-1: no answer from AutoGPT (the connection was dropped). The request was not repeated, so that no agent run is started twice: the run may have started. Look for it among the agent's executions in AutoGPT before running this again.",
				);
				expect(result.error?.description).toMatch(/may have started/);
				expect(requests).toEqual(['POST /api/external/v1/executions/agents/agent-1/execute']);
			},
		);
	});

	test('a 429 is waited out for as long as Retry-After says (2 s), then the execute goes through once', async () => {
		let limitedAt = 0;
		let retriedAt = 0;
		nock(API)
			.post('/executions/agents/agent-1/execute')
			.reply(() => {
				limitedAt = Date.now();
				return [429, { detail: 'Rate limit exceeded' }, { 'Retry-After': '2' }];
			});
		nock(API)
			.post('/executions/agents/agent-1/execute')
			.reply(() => {
				retriedAt = Date.now();
				return [200, { execution_id: 'ex-2', status: 'queued' }];
			});
		const result = await runAutoGpt({ credentials: credentials(), parameters: startAgent });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.execution_id).toBe('ex-2');
		// waiting only ever lasts longer than asked: a lower bound cannot race
		expect(retriedAt - limitedAt).toBeGreaterThanOrEqual(1990);
	});

	test('a 429 whose Retry-After is an HTTP date is waited out until then', async () => {
		let retriedAt = 0;
		const until = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000);
		nock(API)
			.get('/executions/ex-1')
			.reply(429, { detail: 'Rate limit exceeded' }, { 'Retry-After': until.toUTCString() });
		nock(API)
			.get('/executions/ex-1')
			.reply(() => {
				retriedAt = Date.now();
				return [200, { execution_id: 'ex-1', status: 'RUNNING' }];
			});
		const result = await runAutoGpt({ credentials: credentials(), parameters: getExecution });
		expect(result.items[0].json).toEqual({ execution_id: 'ex-1', status: 'running' });
		expect(retriedAt).toBeGreaterThanOrEqual(until.getTime() - 10);
	});

	test('a 429 that asks for an hour fails the item at once with the rate-limit advice, and sends nothing more', async () => {
		const scope = nock(API)
			.post('/executions/agents/agent-1/execute')
			.reply(429, { detail: 'Hourly limit reached' }, { 'Retry-After': '3600' })
			.post('/executions/agents/agent-1/execute')
			.reply(200, { execution_id: 'ex-2', status: 'queued' });
		const result = await runAutoGpt({ credentials: credentials(), parameters: startAgent });
		expect(result.error?.message).toBe(
			'Could not start agent agent-1: AutoGPT answered 429 Too Many Requests — Hourly limit reached. The AutoGPT rate limit was reached. Try again later or spread the work over time.',
		);
		expect(result.error?.description).toMatch(/rate limit was reached/);
		expect(result.error?.httpCode).toBe('429');
		expect(scope.pendingMocks()).toHaveLength(1);
	});

	test('when the platform says the window is spent, the next request waits for the reset instead of earning a 429', async () => {
		const resetAt = Math.ceil(Date.now() / 1000) + 1;
		nock(API)
			.get('/executions/ex-1')
			.reply(
				200,
				{ execution_id: 'ex-1', status: 'RUNNING' },
				{ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(resetAt) },
			);
		let secondAt = 0;
		nock(API)
			.get('/executions/ex-1')
			.reply(() => {
				secondAt = Date.now();
				return [200, { execution_id: 'ex-1', status: 'COMPLETED', outputs: {} }];
			});
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				resource: 'execution',
				operation: 'wait',
				executionId: 'ex-1',
				options: { pollInterval: 0.25 },
			},
		});
		expect(result.error).toBeUndefined();
		expect(secondAt).toBeGreaterThanOrEqual(resetAt * 1000 - 5);
	});
});

describe('retry limits', () => {
	test('GET gives up after 3 retries of a dropped connection, saying the platform could not be reached', async () => {
		await withPlatform(['drop'], async (url, requests) => {
			const helper = new TestCredentialsHelper({ autoGptApi: apiKeyCredentials(API_KEY, url) });
			const result = await runAutoGpt({ credentials: helper, parameters: getExecution });
			expect(result.error?.message).toBe(
				'Could not get execution ex-1: no answer from AutoGPT (the connection was dropped). The platform could not be reached after several tries. Check the External API URL of the credential and that the platform is up.',
			);
			expect(result.error?.httpCode).toBeNull();
			expect(requests).toHaveLength(4);
		});
	}, 20_000);

	test('a 429 is waited out 8 times at most, then the item fails with the rate-limit advice', async () => {
		const scope = nock(API)
			.get('/executions/ex-1')
			.times(9)
			.reply(429, { detail: 'Rate limit exceeded' }, { 'Retry-After': '0' });
		const result = await runAutoGpt({ credentials: credentials(), parameters: getExecution });
		expect(result.error?.message).toBe(
			'Could not get execution ex-1: AutoGPT answered 429 Too Many Requests — Rate limit exceeded. The AutoGPT rate limit was reached. Try again later or spread the work over time.',
		);
		expect(scope.isDone()).toBe(true);
	});

	test('a 429 without Retry-After is waited out 1 s, then 2 s', async () => {
		const at: number[] = [];
		nock(API)
			.get('/executions/ex-1')
			.times(2)
			.reply(() => {
				at.push(Date.now());
				return [429, { detail: 'Rate limit exceeded' }];
			});
		nock(API)
			.get('/executions/ex-1')
			.reply(() => {
				at.push(Date.now());
				return [200, { execution_id: 'ex-1', status: 'RUNNING' }];
			});
		const result = await runAutoGpt({ credentials: credentials(), parameters: getExecution });
		expect(result.items[0].json).toEqual({ execution_id: 'ex-1', status: 'running' });
		// waiting only ever lasts longer than asked: lower bounds cannot race
		expect(at[1] - at[0]).toBeGreaterThanOrEqual(990);
		expect(at[2] - at[1]).toBeGreaterThanOrEqual(1990);
	});

	test('a 409 to a request without an Idempotency-Key is the error, not a wait', async () => {
		const scope = nock(API)
			.get('/executions/ex-1')
			.reply(409, { detail: 'Conflict' })
			.get('/executions/ex-1')
			.reply(200, { execution_id: 'ex-1', status: 'RUNNING' });
		const result = await runAutoGpt({ credentials: credentials(), parameters: getExecution });
		expect(result.error?.message).toMatch(
			/^Could not get execution ex-1: AutoGPT answered 409 Conflict — Conflict\./,
		);
		expect(result.error?.httpCode).toBe('409');
		expect(scope.pendingMocks()).toHaveLength(1);
	});
});

describe('rate budgets', () => {
	test('a budget spent by one credential does not hold up another credential of the same platform', async () => {
		const platform = 'https://budgets.test';
		const api = `${platform}/api/external/v1`;
		const helper = () =>
			new TestCredentialsHelper({ autoGptApi: apiKeyCredentials(API_KEY, platform) });
		const resetInAnHour = String(Math.ceil(Date.now() / 1000) + 3600);
		nock(api)
			.get('/executions/ex-1')
			.reply(
				200,
				{ execution_id: 'ex-1', status: 'RUNNING' },
				{ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': resetInAnHour },
			)
			.get('/executions/ex-1')
			.reply(200, { execution_id: 'ex-1', status: 'COMPLETED' });
		const spent = await runAutoGpt({ credentials: helper(), parameters: getExecution });
		expect(spent.items[0].json.status).toBe('running');
		// Another credential (another account's key) has a budget of its own: no hour-long wait.
		const other = await runAutoGpt({
			credentials: helper(),
			parameters: getExecution,
			node: { credentials: { autoGptApi: { id: 'cred-2', name: 'Another AutoGPT account' } } },
		});
		expect(other.items[0].json.status).toBe('completed');
	});
});

describe('answers that do not fit', () => {
	test('an unexpected shape names the field', async () => {
		nock(API).get('/executions/ex-1').reply(200, { id: 'ex-1', state: 'RUNNING' });
		const result = await runAutoGpt({ credentials: credentials(), parameters: getExecution });
		expect(result.error?.message).toBe(
			'Could not get execution ex-1: AutoGPT answered 200 with an unexpected body (execution_id: Required; status: Required). The answer does not have the shape this node expects. Check that the External API URL of the credential points at the AutoGPT External API.',
		);
	});

	test('malformed JSON is an error, not a crash', async () => {
		nock(API)
			.get('/executions/ex-1')
			.reply(200, '{"execution_id": "ex-1", ', { 'Content-Type': 'application/json' });
		const result = await runAutoGpt({ credentials: credentials(), parameters: getExecution });
		expect(result.error?.message).toMatch(
			/^Could not get execution ex-1: AutoGPT answered 200 with an unexpected body \(\(body\): Expected object, received string\)/,
		);
	});

	test('FastAPI validation errors are spelled out', async () => {
		nock(API)
			.post('/executions/agents/agent-1/execute')
			.reply(422, {
				detail: [{ loc: ['body', 'inputs'], msg: 'field required', type: 'value_error.missing' }],
			});
		const result = await runAutoGpt({ credentials: credentials(), parameters: startAgent });
		expect(result.error?.message).toBe(
			"Could not start agent agent-1: AutoGPT answered 422 Unprocessable Entity — body.inputs: field required. Change the parameters of this item as AutoGPT's answer says.",
		);
	});

	test('no key or token that the platform echoes reaches the message', async () => {
		nock(API)
			.get('/executions/ex-1')
			.times(2)
			.reply(401, { detail: `Invalid API key ${API_KEY} / Bearer abc.def.ghi` });
		const result = await runAutoGpt({ credentials: credentials(), parameters: getExecution });
		const text = JSON.stringify(result.error);
		expect(text).not.toContain(API_KEY);
		expect(text).not.toContain('abc.def.ghi');
		expect(result.error?.message).toBe(
			'Could not get execution ex-1: AutoGPT answered 401 Unauthorized — Invalid API key agpt_*** / Bearer ***. Check the AutoGPT credential: the API key or the OAuth connection was not accepted. Reconnect the credential if it was revoked.',
		);
	});
});

describe('credential problems', () => {
	test('an API key that the credential layer echoes in its error is masked in the message', async () => {
		// n8n refuses a credential before any request goes out, in its own words: whatever those
		// words are, the key must not reach the node's error (what the user, logs and AI tools see).
		class RefusingCredentials extends TestCredentialsHelper {
			async authenticate(): Promise<never> {
				throw new Error(`The credential's header X-API-Key: ${API_KEY} could not be used`);
			}
		}
		const result = await runAutoGpt({
			credentials: new RefusingCredentials({ autoGptApi: apiKeyCredentials(API_KEY, PLATFORM) }),
			parameters: getExecution,
		});
		expect(result.error?.message).toBe(
			"Could not get execution ex-1: The credential's header X-API-Key: agpt_*** could not be used. Check the AutoGPT credential of this node.",
		);
		expect(result.error?.description).toBe('Check the AutoGPT credential of this node.');
		expect(JSON.stringify(result.error)).not.toContain(API_KEY);
	});
});

describe('OAuth2', () => {
	const oauth = () =>
		new TestCredentialsHelper({
			autoGptOAuth2Api: oauthCredentials({
				platformUrl: PLATFORM,
				clientId: 'client-1',
				clientSecret: 'client-secret-1',
				accessToken: 'old-access',
				refreshToken: 'refresh-1',
			}),
		});
	const capabilities = {
		resource: 'account',
		operation: 'getCapabilities',
		authentication: 'oAuth2',
	};
	const answer = {
		user_id: 'u',
		client_id: 'client-1',
		grants: [],
		available_scopes: ['agents:execute'],
	};

	test('sends the access token as Bearer', async () => {
		nock(API, { reqheaders: { authorization: 'Bearer old-access' } })
			.get('/executions/capabilities')
			.reply(200, answer);
		const result = await runAutoGpt({ credentials: oauth(), parameters: capabilities });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual(answer);
	});

	test('a 401 refreshes the token with the client credentials in the body, then retries', async () => {
		nock(API).get('/executions/capabilities').reply(401, { detail: 'Token expired' });
		let tokenBody = '';
		let tokenAuthorization: string | undefined;
		nock(PLATFORM)
			.post('/oauth/token', (body) => {
				tokenBody = new URLSearchParams(body as Record<string, string>).toString();
				return true;
			})
			.reply(function () {
				tokenAuthorization = this.req.headers.authorization as string | undefined;
				return [
					200,
					{
						access_token: 'new-access',
						refresh_token: 'refresh-2',
						token_type: 'Bearer',
						expires_in: 3600,
					},
				];
			});
		nock(API, { reqheaders: { authorization: 'Bearer new-access' } })
			.get('/executions/capabilities')
			.reply(200, answer);
		const helper = oauth();
		const result = await runAutoGpt({ credentials: helper, parameters: capabilities });
		expect(result.error).toBeUndefined();
		const form = new URLSearchParams(tokenBody);
		expect(form.get('grant_type')).toBe('refresh_token');
		expect(form.get('refresh_token')).toBe('refresh-1');
		expect(form.get('client_id')).toBe('client-1');
		expect(form.get('client_secret')).toBe('client-secret-1');
		expect(tokenAuthorization ?? '').not.toMatch(/^Basic/);
		expect(helper.updates[0].data.oauthTokenData).toMatchObject({
			access_token: 'new-access',
			refresh_token: 'refresh-2',
		});
	});

	test('a 404 Not Found says the address does not serve the External API, and that OAuth2 cannot reach today’s platform', async () => {
		nock(API).get('/executions/capabilities').reply(404, { detail: 'Not Found' });
		const result = await runAutoGpt({ credentials: oauth(), parameters: capabilities });
		expect(result.error?.description).toBe(
			"This address does not serve the AutoGPT External API. Check the credential's External API URL. (Today's platform.agpt.co cannot be reached with OAuth2 from n8n: use the AutoGPT API credential with an API key.)",
		);
	});

	test('an OAuth2 credential at platform.agpt.co still speaks the OAuth platform’s API (its only one)', async () => {
		const agpt = 'https://platform.agpt.co';
		nock(`${agpt}/api/external/v1`).get('/executions/capabilities').reply(200, answer);
		const result = await runAutoGpt({
			credentials: new TestCredentialsHelper({
				autoGptOAuth2Api: oauthCredentials({
					platformUrl: agpt,
					clientId: 'client-1',
					clientSecret: 'client-secret-1',
					accessToken: 'old-access',
				}),
			}),
			parameters: capabilities,
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual(answer);
	});

	test('a revoked refresh token asks the user to reconnect the credential', async () => {
		nock(API).get('/executions/capabilities').reply(401, { detail: 'Token expired' });
		nock(PLATFORM)
			.post('/oauth/token')
			.reply(400, { error: 'invalid_grant', error_description: 'Refresh token revoked' });
		const result = await runAutoGpt({ credentials: oauth(), parameters: capabilities });
		expect(result.error?.message).toBe(
			'Could not get the capabilities of this connection: the AutoGPT OAuth2 connection is no longer valid. n8n could not renew the access token (the platform refused the refresh token, or the credential was never connected). Open the AutoGPT OAuth2 credential and reconnect it.',
		);
		expect(JSON.stringify(result.error)).not.toContain('client-secret-1');
		expect(JSON.stringify(result.error)).not.toContain('refresh-1');
	});
});
