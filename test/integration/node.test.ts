// The AutoGPT node against the sandbox over real loopback HTTP, run through n8n-core's
// WorkflowExecute: what a workflow would see from a platform that follows the contract.
import type { Sandbox } from '../sandbox/server';
import { admin, getTokens, startTestSandbox } from '../sandbox/testkit';
import {
	apiKeyCredentials,
	oauthCredentials,
	runAutoGpt,
	TestCredentialsHelper,
} from '../helpers/workflow';

let sandbox: Sandbox;
let apiKey: () => TestCredentialsHelper;
let oauth: () => Promise<TestCredentialsHelper>;

const agent = (name: string) => ({ __rl: true, mode: 'id', value: sandbox.info.agents[name] });
const execute = (name: string, extra: Record<string, unknown> = {}) => ({
	resource: 'agent',
	operation: 'execute',
	agent: agent(name),
	inputSource: 'json',
	inputsJson: '={{ JSON.stringify($json) }}',
	options: { pollInterval: 0.5, timeout: 30 },
	...extra,
});
const executions = async () =>
	(await admin(sandbox, 'GET', 'executions')).json as Array<{
		execution_id: string;
		status: string;
	}>;

beforeAll(async () => {
	// Unlimited: these tests are about behaviour; the rate budget has its own tests.
	const unlimited = { perMinute: 0, perHour: 0 };
	sandbox = await startTestSandbox({
		rateLimits: { execute: unlimited, read: unlimited, oauth: { perMinute: 0 } },
	});
	apiKey = () =>
		new TestCredentialsHelper({
			autoGptApi: apiKeyCredentials(sandbox.info.apiKey, sandbox.url, sandbox.apiUrl),
		});
	oauth = async () => {
		const tokens = await getTokens(sandbox);
		return new TestCredentialsHelper({
			autoGptOAuth2Api: oauthCredentials({
				platformUrl: sandbox.url,
				apiUrl: sandbox.apiUrl,
				clientId: sandbox.info.clientId,
				clientSecret: sandbox.info.clientSecret,
				accessToken: tokens.access_token,
				refreshToken: tokens.refresh_token,
			}),
		});
	};
});
afterEach(async () => {
	await admin(sandbox, 'POST', 'reset');
});
afterAll(async () => {
	await sandbox.stop();
});

test('execute and wait over several items: outputs per item, paired', async () => {
	const inputs = [{ topic: 'a' }, { topic: 'b' }, { topic: 'c' }];
	const result = await runAutoGpt({
		credentials: apiKey(),
		parameters: execute('echo'),
		inputItems: inputs,
	});
	expect(result.error).toBeUndefined();
	expect(
		result.items.map((item) => [item.json.status, item.json.outputs, item.pairedItem]),
	).toEqual(inputs.map((input, index) => ['completed', input, { item: index }]));
	expect((await executions()).map((execution) => execution.status)).toEqual([
		'COMPLETED',
		'COMPLETED',
		'COMPLETED',
	]);
});

test('lower-case statuses (the guides) work the same', async () => {
	await admin(sandbox, 'POST', 'config', { statusCase: 'lower' });
	const result = await runAutoGpt({
		credentials: apiKey(),
		parameters: execute('echo', { simplify: false }),
		inputItems: [{ x: 1 }],
	});
	expect(result.items[0].json).toMatchObject({ status: 'completed', outputs: { x: [1] } });
});

test('a failing agent names the execution and the platform error', async () => {
	const result = await runAutoGpt({
		credentials: apiKey(),
		parameters: execute('failing'),
		inputItems: [{ message: 'No API quota left' }],
	});
	expect(result.error?.message).toMatch(
		new RegExp(
			`^Execution [0-9a-f-]+ of agent ${sandbox.info.agents.failing} failed: No API quota left\\. The agent itself ended the run without outputs: check the inputs it was given`,
		),
	);
});

test('get, then cancel of a slow agent, which ends TERMINATED', async () => {
	const started = await runAutoGpt({
		credentials: apiKey(),
		parameters: execute('slow', { waitForCompletion: false }),
		inputItems: [{ seconds: 60 }],
	});
	const executionId = started.items[0].json.execution_id as string;
	const get = await runAutoGpt({
		credentials: apiKey(),
		parameters: { resource: 'execution', operation: 'get', executionId },
	});
	expect(['queued', 'running']).toContain(get.items[0].json.status);
	const cancel = await runAutoGpt({
		credentials: apiKey(),
		parameters: { resource: 'execution', operation: 'cancel', executionId },
	});
	expect(cancel.items[0].json).toEqual({
		message: 'Execution terminated',
		execution_id: executionId,
	});
	const again = await runAutoGpt({
		credentials: apiKey(),
		parameters: { resource: 'execution', operation: 'cancel', executionId },
	});
	expect(again.error?.message).toBe(
		`Could not cancel execution ${executionId}: AutoGPT answered 400 Bad Request — Cannot cancel execution with status TERMINATED. Only a queued or running execution can be cancelled; this one has already ended. Use Execution → Get to see its final status.`,
	);
	const wait = await runAutoGpt({
		credentials: apiKey(),
		parameters: { resource: 'execution', operation: 'wait', executionId },
	});
	expect(wait.error?.message).toBe(
		`Execution ${executionId} was terminated. The run was stopped in AutoGPT before it completed: run the agent again if its outputs are still needed.`,
	);
});

test('grants: get many, get, delete credential; capabilities (OAuth2)', async () => {
	const credentials = await oauth();
	const parameters = { authentication: 'oAuth2' };
	const many = await runAutoGpt({
		credentials,
		parameters: { ...parameters, resource: 'grant', operation: 'getAll', returnAll: true },
	});
	const providers = many.items.map((item) => item.json.provider).sort();
	expect(providers).toEqual(['github', 'google']);
	const google = many.items.find((item) => item.json.provider === 'google')!.json;

	const one = await runAutoGpt({
		credentials,
		parameters: {
			...parameters,
			resource: 'grant',
			operation: 'get',
			grantId: { __rl: true, mode: 'id', value: google.id },
		},
	});
	expect(one.items[0].json).toMatchObject({
		id: google.id,
		provider: 'google',
		permissions: ['USE', 'DELETE'],
	});

	const capabilities = await runAutoGpt({
		credentials,
		parameters: { ...parameters, resource: 'account', operation: 'getCapabilities' },
	});
	expect(capabilities.items[0].json).toMatchObject({ client_id: sandbox.info.clientId });

	const deleted = await runAutoGpt({
		credentials,
		parameters: {
			...parameters,
			resource: 'grant',
			operation: 'deleteCredential',
			grantId: { __rl: true, mode: 'id', value: google.id },
		},
	});
	expect(deleted.items[0].json).toEqual({ deleted: true, grant_id: google.id });
	const gone = await runAutoGpt({
		credentials,
		parameters: {
			...parameters,
			resource: 'grant',
			operation: 'get',
			grantId: { __rl: true, mode: 'id', value: google.id },
		},
	});
	expect(gone.error?.httpCode).toBe('404');
	const github = many.items.find((item) => item.json.provider === 'github')!.json;
	const refused = await runAutoGpt({
		credentials,
		parameters: {
			...parameters,
			resource: 'grant',
			operation: 'deleteCredential',
			grantId: { __rl: true, mode: 'id', value: github.id },
		},
	});
	expect(refused.error?.httpCode).toBe('403');
});

test('five concurrent items with an expired token all succeed against refresh-token reuse detection: n8n-core refreshes once for them', async () => {
	// A server that revokes a whole grant when a rotated-out refresh token comes back (see the
	// sandbox's refreshTokenReuse): five refreshes with one token would end the connection.
	await admin(sandbox, 'POST', 'config', { refreshTokenReuse: 'revokeFamily' });
	const credentials = await oauth();
	await admin(sandbox, 'POST', 'config', { clockOffsetSeconds: 2 * 3600 });

	const result = await runAutoGpt({
		credentials,
		parameters: { authentication: 'oAuth2', resource: 'account', operation: 'getCapabilities' },
		inputItems: [{}, {}, {}, {}, {}],
	});

	expect(result.error).toBeUndefined();
	expect(result.items.map((item) => item.json.client_id)).toEqual(
		Array(5).fill(sandbox.info.clientId),
	);
	// one refresh, written back once, and its tokens still good: the grant was not revoked
	expect(credentials.updates).toHaveLength(1);
	const again = await runAutoGpt({
		credentials,
		parameters: { authentication: 'oAuth2', resource: 'account', operation: 'getCapabilities' },
	});
	expect(again.error).toBeUndefined();
});

test('an agent that needs a google grant runs with it', async () => {
	const credentials = await oauth();
	const result = await runAutoGpt({
		credentials,
		parameters: { authentication: 'oAuth2', ...execute('needsGoogle') },
		inputItems: [{ q: 1 }],
	});
	expect(result.error).toBeUndefined();
	expect(result.items[0].json.outputs).toEqual({ q: 1 });
});

test('a 429 is waited out and the run succeeds', async () => {
	await admin(sandbox, 'POST', 'faults', {
		method: 'POST',
		path: '/execute$',
		count: 1,
		status: 429,
		body: { detail: 'Rate limit exceeded' },
	});
	const result = await runAutoGpt({
		credentials: apiKey(),
		parameters: execute('echo'),
		inputItems: [{ a: 1 }],
	});
	expect(result.error).toBeUndefined();
	expect(await executions()).toHaveLength(1);
});

test('faults on GET while waiting are retried', async () => {
	await admin(sandbox, 'POST', 'faults', {
		method: 'GET',
		path: '/executions/[0-9a-f-]+$',
		count: 2,
		status: 503,
		body: { detail: 'Service Unavailable' },
	});
	const result = await runAutoGpt({
		credentials: apiKey(),
		parameters: execute('echo'),
		inputItems: [{ a: 1 }],
	});
	expect(result.error).toBeUndefined();
	expect(result.items[0].json.outputs).toEqual({ a: 1 });
});

test('webhook_url with an API key is refused in the platform words', async () => {
	const result = await runAutoGpt({
		credentials: apiKey(),
		parameters: execute('echo', {
			webhookUrl: 'http://127.0.0.1:5678/webhook/x',
			waitForCompletion: false,
		}),
	});
	expect(result.error?.message).toBe(
		`Could not start agent ${sandbox.info.agents.echo}: AutoGPT answered 400 Bad Request — webhook_url requires an OAuth client. Change the parameters of this item as AutoGPT's answer says.`,
	);
});
