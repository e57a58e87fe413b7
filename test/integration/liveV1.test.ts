// The AutoGPT node against the live-v1 sandbox (today's AutoGPT External API v1) over real loopback
// HTTP, run through n8n-core's WorkflowExecute: what a workflow of a platform.agpt.co user sees.
import type { IDataObject } from 'n8n-workflow';

import type { LiveV1Sandbox } from '../sandbox/liveV1/server';
import { liveAdmin, mintApiKey, startTestLiveV1Sandbox } from '../sandbox/liveV1/testkit';
import type { Sandbox } from '../sandbox/server';
import { startTestSandbox } from '../sandbox/testkit';
import { apiKeyCredentials, runAutoGpt, TestCredentialsHelper } from '../helpers/workflow';
import { startTriggerHarness } from '../unit/trigger/support/triggerHarness';

let sandbox: LiveV1Sandbox;

/** The AutoGPT API credential as a user of today's platform fills it: Platform left Automatic. */
const credentials = (apiKey = sandbox.info.apiKey, extra: Record<string, string> = {}) =>
	new TestCredentialsHelper({
		autoGptApi: { ...apiKeyCredentials(apiKey, sandbox.url, sandbox.apiUrl), ...extra },
	});
const graph = (name: string) => sandbox.info.graphs[name];
const byId = (name: string, version: number | string = graph(name).version) => ({
	agent: { __rl: true, mode: 'id', value: graph(name).id },
	agentVersion: String(version),
});
const execute = (agent: IDataObject, extra: IDataObject = {}) => ({
	resource: 'agent',
	operation: 'execute',
	...agent,
	inputSource: 'json',
	inputsJson: '={{ JSON.stringify($json) }}',
	options: { pollInterval: 0.5, timeout: 30 },
	...extra,
});
const calculator = (inputsJson: string) => ({
	resource: 'block',
	operation: 'execute',
	blockId: { __rl: true, mode: 'id', value: sandbox.info.blocks.calculator },
	inputSource: 'json',
	inputsJson,
});
const executions = async () =>
	(await liveAdmin(sandbox, 'GET', 'executions')).json as Array<{
		execution_id: string;
		graph_id: string;
		graph_version: number;
		status: string;
		inputs: IDataObject;
	}>;
const requests = async () =>
	(await liveAdmin(sandbox, 'GET', 'requests')).json as Array<{
		method: string;
		path: string;
		query: string;
		status: number;
		at: string;
		fault: boolean;
	}>;

jest.setTimeout(60_000);

beforeAll(async () => {
	// Unlimited reads and executes: these tests are about behaviour. 120 listings: three store pages.
	sandbox = await startTestLiveV1Sandbox({
		rateLimits: { execute: { perMinute: 0 }, read: { perMinute: 0 } },
		generatedStoreAgents: 118,
	});
});
afterEach(async () => {
	await liveAdmin(sandbox, 'POST', 'reset');
});
afterAll(async () => {
	await sandbox.stop();
});

describe('Agent → Execute', () => {
	test('by ID and version: waits, and returns the outputs shaped as on the other platform', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: execute(byId('echo', 2)),
			inputItems: [{ topic: 'a' }, { topic: 'b', count: 2 }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json, item.pairedItem])).toEqual([
			[
				{
					execution_id: expect.any(String),
					status: 'completed',
					agent_id: graph('echo').id,
					outputs: { topic: 'a' },
					agent_version: 2,
				},
				{ item: 0 },
			],
			[
				expect.objectContaining({ outputs: { topic: 'b', count: '2' }, agent_version: 2 }),
				{ item: 1 },
			],
		]);
		expect((await executions()).map((execution) => execution.graph_version)).toEqual([2, 2]);
	});

	test('by builder URL: the version comes from flowVersion; Simplify off gives the full record', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: execute(
				{
					agent: {
						__rl: true,
						mode: 'url',
						value: `${sandbox.url}/build?flowID=${graph('echo').id}&flowVersion=1`,
					},
				},
				{ simplify: false },
			),
			inputItems: [{ city: 'Lyon' }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			status: 'COMPLETED',
			outputs: { city: ['Lyon'] },
			error: null,
			agent_id: graph('echo').id,
			agent_version: 1,
			nodes: expect.any(Array),
		});
		expect((await executions())[0].graph_version).toBe(1);
	});

	test('by store agent: the listing gives the graph, "latest" its highest version; inputs as fields', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				...execute({ agent: { __rl: true, mode: 'store', value: sandbox.info.storeAgents.echo } }),
				agentVersion: 'latest',
				inputSource: 'fields',
				inputFields: { input: [{ name: 'greeting', value: '={{ $json.word }}' }] },
			},
			inputItems: [{ word: 'hello' }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			agent_id: graph('echo').id,
			agent_version: 3,
			outputs: { greeting: 'hello' },
		});
		const store = (await requests()).filter((request) => request.path.includes('/v1/store/'));
		expect(store.map((request) => request.path)).toEqual([
			`/external-api/v1/store/agents/${sandbox.info.storeAgents.echo}`,
		]);
	});

	test('an unknown version is the platform’s 400, with what to check', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: execute(byId('echo', 7)),
		});
		expect(result.error?.message).toContain(
			`Could not start agent ${graph('echo').id} version 7: AutoGPT answered 400 Bad Request — Graph #${graph('echo').id} not found.`,
		);
		expect(result.error?.description).toMatch(/Agent Version/);
		expect(await executions()).toEqual([]);
	});

	test('without waiting: the execution ID and the agent, then Execution → Get and Wait find it', async () => {
		const started = await runAutoGpt({
			credentials: credentials(),
			parameters: execute(byId('slow'), { waitForCompletion: false }),
			inputItems: [{ seconds: 2 }],
		});
		const run = started.items[0].json;
		expect(run).toEqual({
			execution_id: expect.any(String),
			status: 'queued',
			agent_id: graph('slow').id,
			agent_version: 1,
		});
		const get = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				resource: 'execution',
				operation: 'get',
				executionId: run.execution_id,
				agentId: run.agent_id,
			},
		});
		expect(['queued', 'running']).toContain(get.items[0].json.status);
		const wait = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				resource: 'execution',
				operation: 'wait',
				executionId: run.execution_id,
				agentId: run.agent_id,
				options: { pollInterval: 0.5 },
			},
		});
		expect(wait.items[0].json).toEqual({
			execution_id: run.execution_id,
			status: 'completed',
			agent_id: graph('slow').id,
			outputs: { seconds: '2' },
		});
	});

	test('Execution → Get without the agent ID says what to map', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: { resource: 'execution', operation: 'get', executionId: 'x-1' },
		});
		expect(result.error?.message).toBe('Agent ID is empty');
		expect(result.error?.description).toMatch(/agent_id returned by Execute Agent/);
	});

	test('a failed run names the execution, the agent and the block’s error; Continue On Fail keeps them', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: execute(byId('failing')),
			inputItems: [{ message: 'No API quota left' }],
			continueOnFail: true,
		});
		expect(result.items[0].json).toEqual({
			execution_id: expect.any(String),
			agent_id: graph('failing').id,
			status: 'failed',
			platform_error: 'No API quota left',
			error: expect.stringMatching(
				new RegExp(
					`^Execution [0-9a-f-]+ of agent ${graph('failing').id} failed: No API quota left\\. `,
				),
			),
			description: expect.any(String),
		});
	});

	test('a completed run whose blocks reported errors says so', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: execute(byId('partial')),
			inputItems: [{ search: 'n8n', note: 'kept' }],
		});
		expect(result.items[0].json).toMatchObject({
			status: 'completed',
			outputs: { note: 'kept' },
			block_errors: [{ node_id: expect.any(String), error: 'Search API quota exceeded' }],
		});
		expect(result.run.data.resultData.runData.AutoGPT[0].hints).toEqual([
			expect.objectContaining({
				type: 'warning',
				message: expect.stringMatching(
					/completed, but a block reported an error \(Search API quota exceeded\)/,
				),
			}),
		]);
	});

	test('an agent waiting for a human review is returned with status review', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: execute(byId('review')),
		});
		expect(result.items[0].json).toMatchObject({ status: 'review', agent_id: graph('review').id });
	});
});

describe('errors of today’s platform', () => {
	test('a 429 is waited out as Retry-After says (2 s), and the agent runs once', async () => {
		await liveAdmin(sandbox, 'POST', 'faults', {
			method: 'POST',
			path: '/execute/\\d+$',
			count: 1,
			status: 429,
			headers: { 'retry-after': '2' },
			body: { detail: 'Rate limit exceeded' },
		});
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: execute(byId('echo')),
		});
		expect(result.error).toBeUndefined();
		expect(await executions()).toHaveLength(1);
		const posts = (await requests()).filter((request) => request.method === 'POST');
		expect(posts.map((request) => request.status)).toEqual([429, 200]);
		expect(Date.parse(posts[1].at) - Date.parse(posts[0].at)).toBeGreaterThanOrEqual(2000);
	});

	test('a 402 paywall says the account has no credits', async () => {
		await liveAdmin(sandbox, 'POST', 'config', { paywall: true });
		const agent = await runAutoGpt({
			credentials: credentials(),
			parameters: execute(byId('echo')),
		});
		expect(agent.error?.message).toContain(
			`Could not start agent ${graph('echo').id} version 3: AutoGPT answered 402 Payment Required — Insufficient balance: add credits to your AutoGPT account to run this`,
		);
		expect(agent.error?.description).toMatch(/no credits left.*Top up/);
		const block = await runAutoGpt({
			credentials: credentials(),
			parameters: calculator('{"operation": "Add", "a": 1, "b": 2}'),
		});
		expect(block.error?.httpCode).toBe('402');
		expect(await executions()).toEqual([]);
	});

	test('a key without EXECUTE_GRAPH gets a 403 that names the permission', async () => {
		const key = await mintApiKey(sandbox, ['IDENTITY', 'READ_GRAPH']);
		const result = await runAutoGpt({
			credentials: credentials(key),
			parameters: execute(byId('echo')),
		});
		expect(result.error?.message).toContain(
			`Could not start agent ${graph('echo').id} version 3: AutoGPT answered 403 Forbidden — Missing required permission(s): EXECUTE_GRAPH`,
		);
		expect(result.error?.description).toBe(
			'The API key lacks the EXECUTE_GRAPH permission. Create a key that has it in AutoGPT (Settings → API Keys) and put it into the credential.',
		);
		expect(result.error?.httpCode).toBe('403');
	});

	test('a wrong API key is a 401 in the platform’s words, the key never shown', async () => {
		const result = await runAutoGpt({
			credentials: credentials('agpt_not-a-key-of-this-platform'),
			parameters: { resource: 'account', operation: 'get' },
		});
		expect(result.error?.message).toContain(
			'Could not get the account of this API key: AutoGPT answered 401 Unauthorized — Invalid API key',
		);
		expect(JSON.stringify(result)).not.toContain('not-a-key-of-this-platform');
	});
});

describe('blocks, the store, the account and integration credentials', () => {
	test('Block → Get Many finds a block by name; Execute runs it synchronously', async () => {
		const many = await runAutoGpt({
			credentials: credentials(),
			parameters: { resource: 'block', operation: 'getAll', returnAll: true, search: 'calculator' },
		});
		expect(many.items.map((item) => item.json)).toEqual([
			{
				id: sandbox.info.blocks.calculator,
				name: 'CalculatorBlock',
				description: expect.any(String),
				categories: ['LOGIC'],
				inputs: ['operation', 'a', 'b'],
				outputs: ['result'],
			},
		]);
		const run = await runAutoGpt({
			credentials: credentials(),
			parameters: calculator('={{ JSON.stringify({ operation: "Multiply", a: $json.a, b: 4 }) }}'),
			inputItems: [{ a: 2 }, { a: 3 }],
		});
		expect(run.items.map((item) => item.json)).toEqual([
			{ block_id: sandbox.info.blocks.calculator, outputs: { result: 8 } },
			{ block_id: sandbox.info.blocks.calculator, outputs: { result: 12 } },
		]);
	});

	test('Store → Search Agents returns all of them over pages, or up to Limit', async () => {
		const all = await runAutoGpt({
			credentials: credentials(),
			parameters: { resource: 'store', operation: 'search', returnAll: true },
		});
		expect(all.items).toHaveLength(120);
		expect(new Set(all.items.map((item) => item.json.slug)).size).toBe(120);
		const pages = (await requests()).filter((request) => request.path.endsWith('/v1/store/agents'));
		expect(pages.map((request) => new URLSearchParams(request.query).get('page'))).toEqual([
			'1',
			'2',
			'3',
		]);

		const some = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				resource: 'store',
				operation: 'search',
				query: 'research',
				limit: 7,
				filters: { sortedBy: 'runs' },
			},
		});
		expect(some.items).toHaveLength(7);
		expect(some.items[0].json).toMatchObject({
			slug: 'research-assistant-118',
			creator: 'sandbox-creator',
		});
	});

	test('Store → Get an Agent, by creator/agent-name or by its store address', async () => {
		const [creator, slug] = sandbox.info.storeAgents.echo.split('/');
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: { resource: 'store', operation: 'get', storeAgent: '={{ $json.agent }}' },
			inputItems: [
				{ agent: sandbox.info.storeAgents.echo },
				{ agent: `https://platform.agpt.co/marketplace/agent/${creator}/${slug}` },
			],
		});
		expect(result.items.map((item) => item.json)).toEqual([
			expect.objectContaining({ graph_id: graph('echo').id, graph_versions: ['1', '2', '3'] }),
			expect.objectContaining({ slug }),
		]);
	});

	test('Account → Get returns the account of the key', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: { resource: 'account', operation: 'get' },
		});
		expect(result.items[0].json).toEqual({
			id: sandbox.config.user.id,
			name: 'Sandbox User',
			email: 'sandbox.user@example.com',
			timezone: 'Europe/Amsterdam',
		});
	});

	test('Integration Credential → Get Many lists them (by provider too); Delete removes one', async () => {
		const all = await runAutoGpt({
			credentials: credentials(),
			parameters: { resource: 'integrationCredential', operation: 'getAll', returnAll: true },
		});
		expect(all.items.map((item) => item.json.provider)).toEqual(['github', 'openai', 'http']);
		expect(JSON.stringify(all.items)).not.toMatch(/secret|token|password/i);
		const github = await runAutoGpt({
			credentials: credentials(),
			parameters: { resource: 'integrationCredential', operation: 'getAll', provider: 'github' },
		});
		expect(github.items.map((item) => item.json.id)).toEqual([all.items[0].json.id]);

		const deleted = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				resource: 'integrationCredential',
				operation: 'delete',
				credentialId: { __rl: true, mode: 'id', value: all.items[0].json.id },
			},
		});
		expect(deleted.items[0].json).toEqual({ deleted: true, credentials_id: all.items[0].json.id });
		const left = (await liveAdmin(sandbox, 'GET', 'credentials')).json as IDataObject[];
		expect(left.map((credential) => credential.provider)).toEqual(['openai', 'http']);
	});
});

describe('what today’s platform does not have', () => {
	test.each([
		[
			{ resource: 'execution', operation: 'cancel', executionId: 'x' },
			'Execution → Cancel',
			/Stop the run in AutoGPT/,
		],
		[{ resource: 'grant', operation: 'getAll' }, 'Grant → Get Many', /Integration Credential/],
		[
			{ resource: 'account', operation: 'getCapabilities' },
			'Account → Get Capabilities',
			/Account → Get/,
		],
		[
			{
				resource: 'connect',
				operation: 'createLink',
				provider: 'github',
				redirectOrigin: 'https://a.example',
			},
			'Connect → Create Connect Link',
			/Connect accounts in AutoGPT itself/,
		],
	])(
		'%j fails each item with what to do instead, and sends nothing',
		async (parameters, label, instead) => {
			const result = await runAutoGpt({
				credentials: credentials(),
				parameters,
				continueOnFail: true,
			});
			expect(result.items[0].json).toEqual({
				error: `${label} is not available on today's AutoGPT platform (platform.agpt.co)`,
				description: expect.stringMatching(instead),
			});
			expect(await requests()).toEqual([]);
		},
	);

	test('grants and a webhook URL on Execute are refused, not dropped', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: execute(byId('echo'), { webhookUrl: 'https://n8n.example.com/webhook/x' }),
		});
		expect(result.error?.message).toBe("Webhook URL must be empty on today's AutoGPT platform");
		expect(result.error?.description).toMatch(/Send Web Request block/);
		expect(await executions()).toEqual([]);
		const granted = await runAutoGpt({
			credentials: credentials(),
			parameters: execute(byId('echo'), { grantIds: ['7a1b-grant'] }),
		});
		expect(granted.error?.message).toBe(
			"Grant Names or IDs must be empty on today's AutoGPT platform",
		);
		expect(await executions()).toEqual([]);
	});

	test('the AutoGPT Trigger cannot be activated, and says what to use instead', async () => {
		const trigger = await startTriggerHarness({
			parameters: { authentication: 'apiKey', events: ['execution.completed'] },
			credentials: credentials(),
		});
		try {
			await expect(trigger.activate()).rejects.toMatchObject({
				message: "Today's AutoGPT platform (platform.agpt.co) cannot start this trigger",
				description: expect.stringMatching(
					/Agent → Execute, Wait for Completion on.*Send Web Request block pointed at the URL of an n8n Webhook node/,
				),
			});
			expect(await requests()).toEqual([]);
		} finally {
			await trigger.close();
		}
	});
});

describe('a wrong guess of the platform ends in what to change', () => {
	let broker: Sandbox;
	beforeAll(async () => {
		broker = await startTestSandbox();
	});
	afterAll(async () => {
		await broker.stop();
	});

	test('Platform set to AutoGPT, but the address serves a platform with OAuth apps', async () => {
		const result = await runAutoGpt({
			credentials: new TestCredentialsHelper({
				autoGptApi: {
					...apiKeyCredentials(broker.info.apiKey, broker.url, broker.apiUrl),
					platform: 'autogpt',
				},
			}),
			parameters: { resource: 'account', operation: 'get' },
		});
		expect(result.error?.message).toMatch(/AutoGPT answered 404 Not Found — Not Found\./);
		expect(result.error?.description).toMatch(
			/does not serve today's AutoGPT API.*If the platform has OAuth apps and credential grants, set the credential's Platform to that/,
		);
	});

	test('Platform set to OAuth apps, but the address is today’s AutoGPT', async () => {
		const result = await runAutoGpt({
			credentials: credentials(sandbox.info.apiKey, { platform: 'oauthApps' }),
			parameters: { resource: 'execution', operation: 'get', executionId: 'x-1' },
		});
		expect(result.error?.message).toMatch(/AutoGPT answered 404 Not Found — Not Found\./);
		expect(result.error?.description).toMatch(/set the credential's Platform to AutoGPT/);
	});

	test('on the other platform, today’s resources say where they are served', async () => {
		const result = await runAutoGpt({
			credentials: new TestCredentialsHelper({
				autoGptApi: apiKeyCredentials(broker.info.apiKey, broker.url, broker.apiUrl),
			}),
			parameters: { resource: 'block', operation: 'getAll' },
		});
		expect(result.error?.message).toBe(
			'Block → Get Many is not available on this AutoGPT platform',
		);
		expect(result.error?.description).toMatch(
			/platform\.agpt\.co.*Platform set to AutoGPT, or Automatic/,
		);
	});
});
