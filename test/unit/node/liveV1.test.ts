/* eslint-disable @n8n/community-nodes/no-restricted-imports */
// The node on today's AutoGPT platform, with nock as the platform: requests it sends, how it
// paces and retries them, and what a user sees when something is missing or refused.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';

import { apiKeyCredentials, runAutoGpt, TestCredentialsHelper } from '../../helpers/workflow';

const API = 'https://backend.agpt.co/external-api';
const GRAPH = '5f3c9a1e-0000-4000-8000-000000000001';
/** The defaults of the credential: platform.agpt.co, External API URL empty. */
const credentials = () =>
	new TestCredentialsHelper({
		autoGptApi: { ...apiKeyCredentials('agpt_key', 'https://platform.agpt.co'), platform: 'auto' },
	});
const execute = (extra: Record<string, unknown> = {}) => ({
	resource: 'agent',
	operation: 'execute',
	agent: { __rl: true, mode: 'id', value: GRAPH },
	agentVersion: '4',
	inputSource: 'json',
	inputsJson: '{"topic": "n8n"}',
	options: { pollInterval: 0.25, timeout: 30 },
	...extra,
});
const results = (status: string, output: Array<Record<string, string>> | null = null) => ({
	execution_id: 'ex-1',
	status,
	nodes: [],
	output,
});

beforeEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
	nock.enableNetConnect('127.0.0.1');
});
afterAll(() => nock.enableNetConnect());

describe('Agent → Execute on today’s platform', () => {
	test('sends node_input to the graph and version, then polls its results', async () => {
		let body: unknown;
		nock(API)
			.post(`/v1/graphs/${GRAPH}/execute/4`, (sent) => ((body = sent), true))
			.matchHeader('x-api-key', 'agpt_key')
			.reply(200, { id: 'ex-1' });
		nock(API).get(`/v1/graphs/${GRAPH}/executions/ex-1/results`).reply(200, results('QUEUED'));
		nock(API).get(`/v1/graphs/${GRAPH}/executions/ex-1/results`).reply(200, results('RUNNING'));
		nock(API)
			.get(`/v1/graphs/${GRAPH}/executions/ex-1/results`)
			.reply(200, results('COMPLETED', [{ topic: 'n8n' }, { list: 'a' }, { list: 'b' }]));
		const result = await runAutoGpt({ credentials: credentials(), parameters: execute() });
		expect(body).toEqual({ node_input: { topic: 'n8n' } });
		expect(result.items[0].json).toEqual({
			execution_id: 'ex-1',
			status: 'completed',
			agent_id: GRAPH,
			outputs: { topic: 'n8n', list: ['a', 'b'] },
			agent_version: 4,
		});
		expect(nock.isDone()).toBe(true);
	});

	test('a 429 on execute is waited out as Retry-After says (3 s), and the run starts once', async () => {
		const at: number[] = [];
		nock(API)
			.post(`/v1/graphs/${GRAPH}/execute/4`)
			.reply(
				() => (at.push(Date.now()), [429, { detail: 'Too many requests' }, { 'Retry-After': '3' }]),
			);
		nock(API)
			.post(`/v1/graphs/${GRAPH}/execute/4`)
			.reply(() => (at.push(Date.now()), [200, { id: 'ex-1' }]));
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: execute({ waitForCompletion: false }),
		});
		expect(result.items[0].json).toMatchObject({ execution_id: 'ex-1', status: 'queued' });
		expect(at).toHaveLength(2);
		expect(at[1] - at[0]).toBeGreaterThanOrEqual(2950);
	});

	test('an execute spends the execute budget: a window it spent holds the next start until its reset', async () => {
		// A fresh address: budgets are kept per credential and API, and this one has learned nothing yet.
		const api = 'https://budget.agpt.test/external-api';
		const resetAt = Math.ceil(Date.now() / 1000) + 2;
		const starts: number[] = [];
		nock(api)
			.post(`/v1/graphs/${GRAPH}/execute/4`)
			.times(2)
			.reply(() => {
				starts.push(Date.now());
				return [
					200,
					{ id: `ex-${starts.length}` },
					{ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(resetAt) },
				];
			});
		const result = await runAutoGpt({
			credentials: new TestCredentialsHelper({
				autoGptApi: apiKeyCredentials('agpt_key', 'https://budget.agpt.test', api),
			}),
			parameters: execute({ waitForCompletion: false }),
			inputItems: [{}, {}],
		});
		expect(result.items.map((item) => item.json.execution_id).sort()).toEqual(['ex-1', 'ex-2']);
		expect(starts[1]).toBeGreaterThanOrEqual(resetAt * 1000 - 50);
	});

	test('a start that spent the execute window does not hold the status checks (they spend reads)', async () => {
		const api = 'https://reads.agpt.test/external-api';
		const resetAt = Math.ceil(Date.now() / 1000) + 120;
		nock(api)
			.post(`/v1/graphs/${GRAPH}/execute/4`)
			.reply(
				200,
				{ id: 'ex-1' },
				{ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(resetAt) },
			);
		nock(api)
			.get(`/v1/graphs/${GRAPH}/executions/ex-1/results`)
			.reply(200, results('COMPLETED', [{ a: 'b' }]));
		const result = await runAutoGpt({
			credentials: new TestCredentialsHelper({
				autoGptApi: apiKeyCredentials('agpt_key', 'https://reads.agpt.test', api),
			}),
			parameters: execute(),
		});
		expect(result.items[0].json).toMatchObject({ status: 'completed', outputs: { a: 'b' } });
	});

	test('5xx while polling are retried; the start is never repeated after a dropped connection', async () => {
		nock(API).post(`/v1/graphs/${GRAPH}/execute/4`).reply(200, { id: 'ex-1' });
		nock(API).get(`/v1/graphs/${GRAPH}/executions/ex-1/results`).reply(503, 'busy');
		nock(API)
			.get(`/v1/graphs/${GRAPH}/executions/ex-1/results`)
			.reply(200, results('COMPLETED', [{ a: 'b' }]));
		const polled = await runAutoGpt({ credentials: credentials(), parameters: execute() });
		expect(polled.items[0].json.outputs).toEqual({ a: 'b' });

		const requests: string[] = [];
		const server = http.createServer((request) => {
			requests.push(`${request.method} ${request.url}`);
			request.socket.destroy();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			const dropped = await runAutoGpt({
				credentials: new TestCredentialsHelper({
					autoGptApi: apiKeyCredentials('agpt_key', url, `${url}/external-api`),
				}),
				parameters: execute(),
			});
			expect(dropped.error?.message).toContain(
				`Could not start agent ${GRAPH} version 4: no answer from AutoGPT (the connection was dropped)`,
			);
			expect(dropped.error?.description).toMatch(/may have started/);
			expect(requests).toEqual([`POST /external-api/v1/graphs/${GRAPH}/execute/4`]);
		} finally {
			server.close();
		}
	});

	test.each([
		[{ agentVersion: '' }, 'Agent Version is empty', /flowVersion=/],
		[
			{ agentVersion: 'latest' },
			'Agent Version "latest" works for store agents only',
			/By Store Agent/,
		],
		[{ agentVersion: 'newest' }, 'Agent Version "newest" is not a version', /version number/],
		[
			{ agent: { __rl: true, mode: 'store', value: '={{ "nobody" }}' } },
			'The store agent is not valid',
			/creator\/agent-name/,
		],
	])('%j is refused before anything is sent', async (extra, message, description) => {
		const result = await runAutoGpt({ credentials: credentials(), parameters: execute(extra) });
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toMatch(description);
	});

	test('a store agent: its highest version by default, a listed one on request, else the versions it has', async () => {
		const listing = {
			slug: 'agent-name',
			agent_name: 'Agent',
			creator: 'creator',
			graph_id: GRAPH,
			graph_versions: ['1', '10', '9'],
		};
		nock(API).get('/v1/store/agents/creator/agent-name').times(2).reply(200, listing);
		nock(API).post(`/v1/graphs/${GRAPH}/execute/10`).reply(200, { id: 'ex-10' });
		const store = { agent: { __rl: true, mode: 'store', value: 'creator/agent-name' } };
		const latest = await runAutoGpt({
			credentials: credentials(),
			parameters: execute({ ...store, agentVersion: '', waitForCompletion: false }),
		});
		expect(latest.items[0].json).toMatchObject({ execution_id: 'ex-10', agent_version: 10 });
		const missing = await runAutoGpt({
			credentials: credentials(),
			parameters: execute({ ...store, agentVersion: '2' }),
		});
		expect(missing.error?.message).toBe('Store agent creator/agent-name has no such version');
		expect(missing.error?.description).toMatch(/versions 1, 9, 10 of this agent, not 2/);
	});

	test('on the other platform a store agent is refused by name', async () => {
		const result = await runAutoGpt({
			credentials: new TestCredentialsHelper({
				autoGptApi: apiKeyCredentials('agpt_key', 'https://platform.test'),
			}),
			parameters: execute({ agent: { __rl: true, mode: 'store', value: 'creator/agent-name' } }),
		});
		expect(result.error?.message).toBe("Store agents run on today's AutoGPT platform only");
	});
});

describe('the other resources of today’s platform', () => {
	const BLOCK = 'b1ab9b19-0000-4000-8000-000000000002';
	test.each([
		[
			'Account → Get',
			{ resource: 'account', operation: 'get' },
			() => nock(API).get('/v1/me'),
			{ id: 'u-1', name: 'Ada', email: 'ada@example.com', timezone: 'Europe/Berlin' },
			{ id: 'u-1', name: 'Ada', email: 'ada@example.com', timezone: 'Europe/Berlin' },
		],
		[
			'Block → Execute',
			{
				resource: 'block',
				operation: 'execute',
				blockId: { __rl: true, mode: 'id', value: BLOCK },
				inputSource: 'json',
				inputsJson: '{"operation": "Add", "a": 1, "b": 2}',
			},
			() => nock(API).post(`/v1/blocks/${BLOCK}/execute`, { operation: 'Add', a: 1, b: 2 }),
			{ result: [3] },
			{ block_id: BLOCK, outputs: { result: 3 } },
		],
		[
			'Store → Get an Agent',
			{ resource: 'store', operation: 'get', storeAgent: 'creator/agent-name' },
			() => nock(API).get('/v1/store/agents/creator/agent-name'),
			{
				slug: 'agent-name',
				agent_name: 'Agent',
				creator: 'creator',
				graph_id: GRAPH,
				graph_versions: ['2'],
			},
			{
				slug: 'agent-name',
				agent_name: 'Agent',
				creator: 'creator',
				graph_id: GRAPH,
				graph_versions: ['2'],
			},
		],
		[
			'Integration Credential → Get Many of a provider',
			{
				resource: 'integrationCredential',
				operation: 'getAll',
				returnAll: true,
				provider: 'github',
			},
			() => nock(API).get('/v1/integrations/github/credentials'),
			[{ id: 'c-1', provider: 'github', type: 'oauth2', title: null }],
			{ id: 'c-1', provider: 'github', type: 'oauth2', title: null },
		],
		[
			'Execution → Get',
			{ resource: 'execution', operation: 'get', executionId: 'ex-1', agentId: GRAPH },
			() => nock(API).get(`/v1/graphs/${GRAPH}/executions/ex-1/results`),
			results('COMPLETED', [{ topic: 'n8n' }]),
			{ execution_id: 'ex-1', status: 'completed', outputs: { topic: 'n8n' } },
		],
	])(
		'%s sends its request and returns the answer',
		async (_name, parameters, request, answer, item) => {
			request().matchHeader('x-api-key', 'agpt_key').reply(200, answer);
			const result = await runAutoGpt({ credentials: credentials(), parameters });
			expect(result.error).toBeUndefined();
			expect(result.items.map((output) => output.json)).toEqual([item]);
			expect(nock.isDone()).toBe(true);
		},
	);

	const runBlock = {
		resource: 'block',
		operation: 'execute',
		blockId: { __rl: true, mode: 'id', value: BLOCK },
		inputSource: 'json',
		inputsJson: '{}',
	};
	test.each([
		[
			'Block → Execute, unknown block',
			runBlock,
			() => nock(API).post(`/v1/blocks/${BLOCK}/execute`),
			404,
			'Could not run block b1ab9b19-0000-4000-8000-000000000002: AutoGPT answered 404 Not Found — Refused by the platform. Check the block: AutoGPT has no block with this ID (Block → Get Many lists them).',
		],
		[
			'Block → Execute, inputs refused',
			runBlock,
			() => nock(API).post(`/v1/blocks/${BLOCK}/execute`),
			400,
			"Could not run block b1ab9b19-0000-4000-8000-000000000002: AutoGPT answered 400 Bad Request — Refused by the platform. Check the block's inputs against its input schema (Block → Get Many with Simplify off shows it).",
		],
		[
			'Block → Execute, a platform error (not sent again: a block may have side effects)',
			runBlock,
			() => nock(API).post(`/v1/blocks/${BLOCK}/execute`),
			500,
			"Could not run block b1ab9b19-0000-4000-8000-000000000002: AutoGPT answered 500 Internal Server Error — Refused by the platform. The AutoGPT platform had a problem. Try again in a moment. The request was not repeated, so that no agent run is started twice: the run may have started. Look for it among the agent's executions in AutoGPT before running this again.",
		],
		[
			'Execution → Get, unknown execution',
			{ resource: 'execution', operation: 'get', executionId: 'ex-1', agentId: GRAPH },
			() => nock(API).get(`/v1/graphs/${GRAPH}/executions/ex-1/results`),
			404,
			'Could not get execution ex-1: AutoGPT answered 404 Not Found — Refused by the platform. Check the Execution ID and Agent ID: AutoGPT finds no such execution for this API key.',
		],
		[
			'Store → Get an Agent, unknown agent',
			{ resource: 'store', operation: 'get', storeAgent: 'creator/agent-name' },
			() => nock(API).get('/v1/store/agents/creator/agent-name'),
			404,
			'Could not get store agent creator/agent-name: AutoGPT answered 404 Not Found — Refused by the platform. Check the store agent: it is written creator/agent-name, as in its store address (…/marketplace/agent/creator/agent-name).',
		],
		[
			'Store → Search Agents, a key without the store permission',
			{ resource: 'store', operation: 'search', query: 'x', limit: 5 },
			() => nock(API).get('/v1/store/agents').query(true),
			403,
			'Could not search the AutoGPT store: AutoGPT answered 403 Forbidden — Refused by the platform. AutoGPT refused this request for the API key. Check the API Key of the credential, or create a new key in AutoGPT under Settings → API Keys.',
		],
		[
			'Block → Execute, a key AutoGPT does not accept',
			runBlock,
			() => nock(API).post(`/v1/blocks/${BLOCK}/execute`),
			401,
			'Could not run block b1ab9b19-0000-4000-8000-000000000002: AutoGPT answered 401 Unauthorized — Refused by the platform. AutoGPT did not accept the API key. Check the API Key of the credential, or create a new key in AutoGPT under Settings → API Keys.',
		],
		[
			'Integration Credential → Get Many, a key without the permission',
			{ resource: 'integrationCredential', operation: 'getAll', returnAll: true },
			() => nock(API).get('/v1/integrations/credentials'),
			403,
			'Could not list the integration credentials: AutoGPT answered 403 Forbidden — Refused by the platform. The API key lacks the READ_INTEGRATIONS permission. Create a key that has it in AutoGPT (Settings → API Keys) and put it into the credential.',
		],
	])(
		'%s: the message says what failed and what to do',
		async (_name, parameters, request, status, message) => {
			// n8n sends a request once more after a 401 (it may re-authenticate first)
			request()
				.times(status === 401 ? 2 : 1)
				.reply(status, { detail: 'Refused by the platform' });
			const result = await runAutoGpt({ credentials: credentials(), parameters });
			expect(result.error?.message).toBe(message);
			expect(result.error?.httpCode).toBe(String(status));
			expect(nock.isDone()).toBe(true);
		},
	);

	test('Integration Credential → Delete that AutoGPT refuses with 404 says how to find the credential', async () => {
		nock(API)
			.get('/v1/integrations/credentials')
			.reply(200, [{ id: 'c-1', provider: 'github', type: 'oauth2', title: null }])
			.delete('/v1/integrations/github/credentials/c-1')
			.reply(404, { detail: 'Refused by the platform' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				resource: 'integrationCredential',
				operation: 'delete',
				credentialId: { __rl: true, mode: 'id', value: 'c-1' },
			},
		});
		expect(result.error?.message).toBe(
			'Could not delete integration credential c-1: AutoGPT answered 404 Not Found — Refused by the platform. Check the credential: AutoGPT has no such credential for this provider (Integration Credential → Get Many lists them).',
		);
		expect(nock.isDone()).toBe(true);
	});

	test('a 402 paywall on a block says the account has no credits, and is not sent again', async () => {
		nock(API).post(`/v1/blocks/${BLOCK}/execute`).reply(402, { detail: 'Insufficient balance' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				resource: 'block',
				operation: 'execute',
				blockId: { __rl: true, mode: 'id', value: BLOCK },
				inputSource: 'json',
				inputsJson: '{}',
			},
		});
		expect(result.error?.httpCode).toBe('402');
		expect(result.error?.description).toMatch(/no credits left.*Top up/);
		expect(nock.isDone()).toBe(true);
	});

	test('an unknown agent version is the platform’s 400, and the run is not started again', async () => {
		nock(API)
			.post(`/v1/graphs/${GRAPH}/execute/4`)
			.reply(400, { detail: `Graph #${GRAPH} not found.` });
		const result = await runAutoGpt({ credentials: credentials(), parameters: execute() });
		expect(result.error?.message).toContain(
			`Could not start agent ${GRAPH} version 4: AutoGPT answered 400 Bad Request — Graph #${GRAPH} not found.`,
		);
		expect(nock.isDone()).toBe(true);
	});

	test('a 403 names the permission the key lacks', async () => {
		nock(API).get('/v1/me').reply(403, { detail: 'Missing required permission(s): IDENTITY' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: { resource: 'account', operation: 'get' },
		});
		expect(result.error?.message).toContain(
			'Could not get the account of this API key: AutoGPT answered 403 Forbidden — Missing required permission(s): IDENTITY',
		);
		expect(result.error?.description).toMatch(/lacks the IDENTITY permission/);
	});

	test('Block → Get Many with Simplify off returns the blocks as listed, up to Limit', async () => {
		const blocks = [1, 2, 3].map((n) => ({ id: `b-${n}`, name: `Block${n}`, inputSchema: {} }));
		nock(API).get('/v1/blocks').reply(200, blocks);
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: { resource: 'block', operation: 'getAll', limit: 2, simplify: false },
		});
		expect(result.items.map((item) => item.json)).toEqual(blocks.slice(0, 2));
	});

	test('Store → Search Agents asks for pages until Limit is reached', async () => {
		const page = (number: number, size: number) => ({
			agents: Array.from({ length: size }, (_, index) => ({
				slug: `a-${number}-${index}`,
				agent_name: 'A',
				creator: 'c',
			})),
			pagination: { total_items: 500, total_pages: 10, current_page: number, page_size: size },
		});
		const queries: string[] = [];
		nock(API)
			.get('/v1/store/agents')
			.query(true)
			.times(2)
			.reply((uri) => {
				queries.push(uri.split('?')[1]);
				return [200, page(queries.length, 50)];
			});
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				resource: 'store',
				operation: 'search',
				query: 'youtube',
				limit: 60,
				filters: { featured: true },
			},
		});
		expect(result.items).toHaveLength(60);
		expect(queries).toEqual([
			'search_query=youtube&featured=true&page=1&page_size=50',
			'search_query=youtube&featured=true&page=2&page_size=50',
		]);
	});

	test('Store → Search Agents sends no empty search words and no filter left off', async () => {
		const queries: string[] = [];
		nock(API)
			.get('/v1/store/agents')
			.query(true)
			.reply((uri) => {
				queries.push(uri.split('?')[1]);
				return [
					200,
					{
						agents: [],
						pagination: { total_items: 0, total_pages: 0, current_page: 1, page_size: 5 },
					},
				];
			});
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				resource: 'store',
				operation: 'search',
				query: '',
				limit: 5,
				filters: { featured: false },
			},
		});
		expect(result.error).toBeUndefined();
		expect(queries).toEqual(['page=1&page_size=5']);
	});

	test('Integration Credential → Delete of an ID the account does not have deletes nothing', async () => {
		nock(API)
			.get('/v1/integrations/credentials')
			.reply(200, [{ id: 'c-1', provider: 'github', type: 'oauth2', title: null }]);
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				resource: 'integrationCredential',
				operation: 'delete',
				credentialId: { __rl: true, mode: 'id', value: 'c-2' },
			},
		});
		expect(result.error?.message).toBe('AutoGPT has no integration credential c-2');
		expect(nock.isDone()).toBe(true);
	});
});
