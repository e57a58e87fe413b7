// Every operation on today's AutoGPT platform (External API v1, an API key) in a real n8n 2.x with
// the packed package installed as a community package and the live-v1 sandbox as the platform.
// Workflows are started through n8n's production webhooks; results are read from n8n's own
// execution records.
import type { LiveV1SandboxInfo } from '../sandbox/liveV1/server';
import { nodeOutput, type ItemJson, WorkflowActivationError } from './n8n-api';
import { LiveV1Admin, liveCredentialData, loadStoreAgentExample } from './liveV1/platform';
import { liveLine, sandboxArgsOf } from './liveV1/profile';
import { runAutoGptNode, runChain, useStack, type TestStack } from './testkit';
import { autoGptNode, triggerWorkflow, type CredentialRef } from './workflows';

jest.setTimeout(120_000);

const stackOf = useStack({ sandboxArgs: sandboxArgsOf('live-v1') });
let stack: TestStack;
let sandbox: LiveV1SandboxInfo;
let admin: LiveV1Admin;
let apiKey: CredentialRef;

const FAST = { pollInterval: 0.5, timeout: 90 };
const graph = (name: string) => sandbox.graphs[name];

function execute(agent: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	return {
		resource: 'agent',
		operation: 'execute',
		...agent,
		inputSource: 'json',
		inputsJson: '={{ JSON.stringify($json.inputs ?? {}) }}',
		waitForCompletion: true,
		options: FAST,
		...extra,
	};
}

const byId = (name: string, version: number | string = graph(name).version) => ({
	agent: { __rl: true, mode: 'id', value: graph(name).id },
	agentVersion: String(version),
});

function json(items: ItemJson[]): Array<Record<string, unknown>> {
	return items.map((item) => item.json);
}

async function credentialWith(key: string, name: string): Promise<CredentialRef> {
	const created = await stack.n8n.createCredential(
		name,
		'autoGptApi',
		liveCredentialData(sandbox, key),
	);
	return { ...created, type: 'autoGptApi' };
}

async function testCredential(data: Record<string, unknown>) {
	return await stack.n8n.rest<{ status: string; message: string }>('POST', '/credentials/test', {
		credentials: { id: apiKey.id, name: apiKey.name, type: 'autoGptApi', data },
	});
}

beforeAll(async () => {
	stack = stackOf();
	sandbox = liveLine(stack.sandbox);
	admin = new LiveV1Admin(sandbox);
	apiKey = await credentialWith(sandbox.apiKey, 'AutoGPT API (today’s platform, sandbox)');
});
afterEach(async () => {
	await admin.config({ paywall: false });
});

describe('the AutoGPT API credential of today’s platform', () => {
	test('its test calls GET /v1/me with the key, Platform left Automatic', async () => {
		const before = (await admin.requests()).length;
		expect(await testCredential(liveCredentialData(sandbox))).toMatchObject({ status: 'OK' });
		const sent = (await admin.requests()).slice(before);
		expect(sent.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
			'GET /external-api/v1/me 200',
		]);
	});

	test('a key without IDENTITY, or an unknown key, fails the test with what to do', async () => {
		const noIdentity = await admin.mintApiKey(['EXECUTE_GRAPH', 'READ_GRAPH']);
		expect(await testCredential(liveCredentialData(sandbox, noIdentity))).toEqual({
			status: 'Error',
			message: expect.stringMatching(/lacks the permission this test needs \(IDENTITY/),
		});
		expect(await testCredential(liveCredentialData(sandbox, 'agpt_unknown'))).toEqual({
			status: 'Error',
			message: expect.stringMatching(/did not accept the API key/),
		});
	});
});

describe('Agent → Execute', () => {
	test('by ID and version over 3 items, paired, outputs shaped as on the other platform', async () => {
		const items = [0, 1, 2].map((n) => ({ inputs: { topic: `topic-${n}` } }));
		const run = await runAutoGptNode(stack, apiKey, execute(byId('echo', 2)), items);
		expect({ status: run.execution.status, error: run.error?.message }).toEqual({
			status: 'success',
		});
		run.output.forEach((item, n) => {
			expect(item.pairedItem).toEqual({ item: n });
			expect(item.json).toEqual({
				execution_id: expect.any(String),
				status: 'completed',
				agent_id: graph('echo').id,
				outputs: { topic: `topic-${n}` },
				agent_version: 2,
			});
		});
	});

	test('by builder URL, and by store agent (latest version) with inputs as fields', async () => {
		const url = await runAutoGptNode(
			stack,
			apiKey,
			execute({
				agent: {
					__rl: true,
					mode: 'url',
					value: `https://platform.agpt.co/build?flowID=${graph('echo').id}&flowVersion=1`,
				},
			}),
			[{ inputs: { via: 'url' } }],
		);
		expect(json(url.output)).toEqual([
			expect.objectContaining({ agent_version: 1, outputs: { via: 'url' } }),
		]);
		const store = await runAutoGptNode(
			stack,
			apiKey,
			execute(
				{ agent: { __rl: true, mode: 'store', value: sandbox.storeAgents.echo } },
				{
					inputSource: 'fields',
					inputFields: { input: [{ name: 'greeting', value: '={{ $json.word }}' }] },
				},
			),
			[{ word: 'hello' }],
		);
		expect(json(store.output)).toEqual([
			expect.objectContaining({
				agent_id: graph('echo').id,
				agent_version: 3,
				outputs: { greeting: 'hello' },
			}),
		]);
	});

	test('an unknown version, a 402 paywall and a key without EXECUTE_GRAPH, in n8n’s execution data', async () => {
		const unknown = await runAutoGptNode(stack, apiKey, execute(byId('echo', 9)));
		expect(unknown.execution.status).toBe('error');
		expect(unknown.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '400',
			context: { itemIndex: 0 },
		});
		expect(unknown.error?.message).toContain(`Graph #${graph('echo').id} not found.`);

		await admin.config({ paywall: true });
		const paywall = await runAutoGptNode(stack, apiKey, execute(byId('echo')));
		expect(paywall.error).toMatchObject({ httpCode: '402' });
		expect(paywall.error?.message).toContain('402 Payment Required — Insufficient balance');
		await admin.config({ paywall: false });

		const narrow = await credentialWith(
			await admin.mintApiKey(['READ_GRAPH']),
			'AutoGPT API (narrow key)',
		);
		const forbidden = await runAutoGptNode(stack, narrow, execute(byId('echo')));
		expect(forbidden.error).toMatchObject({ httpCode: '403' });
		expect(forbidden.error?.message).toContain('Missing required permission(s): EXECUTE_GRAPH');
		expect(forbidden.error?.description).toContain('lacks the EXECUTE_GRAPH permission');
		expect(JSON.stringify(forbidden.execution)).not.toContain(sandbox.apiKey);
	});

	test('a 429 with Retry-After 2 is waited out; the agent runs once', async () => {
		const before = (await admin.graphExecutions()).length;
		await admin.call('POST', 'faults', {
			method: 'POST',
			path: '/execute/\\d+$',
			count: 1,
			status: 429,
			headers: { 'retry-after': '2' },
			body: { detail: 'Rate limit exceeded' },
		});
		const run = await runAutoGptNode(stack, apiKey, execute(byId('echo')), [
			{ inputs: { once: 'yes' } },
		]);
		expect({ status: run.execution.status, error: run.error?.message }).toEqual({
			status: 'success',
		});
		expect(json(run.output)).toEqual([expect.objectContaining({ outputs: { once: 'yes' } })]);
		expect((await admin.graphExecutions()).length - before).toBe(1);
	});

	test('a failed run under Continue On Fail, a completed run with a block error, a run in review', async () => {
		const run = await runAutoGptNode(
			stack,
			apiKey,
			execute({
				agent: { __rl: true, mode: 'id', value: '={{ $json.agent }}' },
				agentVersion: '1',
			}),
			[
				{ agent: graph('failing').id, inputs: { message: 'the model ran out of ideas' } },
				{ agent: graph('partial').id, inputs: { search: 'x', keep: 'kept' } },
				{ agent: graph('review').id, inputs: {} },
			],
			{ nodeExtra: { onError: 'continueRegularOutput' } },
		);
		expect({ status: run.execution.status, error: run.error?.message }).toEqual({
			status: 'success',
		});
		const [failed, partial, review] = json(run.output);
		expect(failed).toMatchObject({
			status: 'failed',
			platform_error: 'the model ran out of ideas',
		});
		expect(String(failed.error)).toContain('the model ran out of ideas');
		expect(partial).toMatchObject({
			status: 'completed',
			outputs: { keep: 'kept' },
			block_errors: [expect.objectContaining({ error: 'Search API quota exceeded' })],
		});
		expect(review).toMatchObject({ status: 'review' });
	});
});

describe('Execution → Get and Wait with the agent ID', () => {
	test('Start without waiting → Wait → Get', async () => {
		const run = await runChain(
			stack,
			[
				autoGptNode('Start', apiKey, execute(byId('slow'), { waitForCompletion: false })),
				autoGptNode('Wait', apiKey, {
					resource: 'execution',
					operation: 'wait',
					executionId: '={{ $json.execution_id }}',
					agentId: '={{ $json.agent_id }}',
					options: FAST,
				}),
				autoGptNode('Get', apiKey, {
					resource: 'execution',
					operation: 'get',
					executionId: "={{ $('Start').item.json.execution_id }}",
					agentId: "={{ $('Start').item.json.agent_id }}",
					simplify: false,
				}),
			],
			[{ inputs: { seconds: 1 } }],
			'Get',
		);
		expect({ status: run.execution.status, error: run.error?.message }).toEqual({
			status: 'success',
		});
		const waited = nodeOutput(run.execution, 'Wait')[0].json;
		expect(waited).toMatchObject({ status: 'completed', outputs: { seconds: '1' } });
		expect(json(run.output)).toEqual([
			expect.objectContaining({
				status: 'COMPLETED',
				outputs: { seconds: ['1'] },
				nodes: expect.any(Array),
			}),
		]);
	});
});

describe('blocks, the store, the account and integration credentials', () => {
	test('Block → Get Many and Execute', async () => {
		const many = await runAutoGptNode(stack, apiKey, {
			resource: 'block',
			operation: 'getAll',
			returnAll: true,
		});
		expect(json(many.output).map((block) => block.name)).toEqual(
			expect.arrayContaining(['CalculatorBlock', 'StoreValueBlock']),
		);
		const run = await runAutoGptNode(stack, apiKey, {
			resource: 'block',
			operation: 'execute',
			blockId: { __rl: true, mode: 'id', value: sandbox.blocks.calculator },
			inputSource: 'json',
			inputsJson: '{"operation": "Power", "a": 2, "b": 10}',
		});
		expect(json(run.output)).toEqual([
			{ block_id: sandbox.blocks.calculator, outputs: { result: 1024 } },
		]);
	});

	test('Store → Search Agents (Return All over pages, or Limit) and Get an Agent', async () => {
		const all = await runAutoGptNode(stack, apiKey, {
			resource: 'store',
			operation: 'search',
			returnAll: true,
		});
		expect(all.output).toHaveLength(45);
		const limited = await runAutoGptNode(stack, apiKey, {
			resource: 'store',
			operation: 'search',
			query: 'echo',
			limit: 1,
		});
		expect(json(limited.output)).toEqual([expect.objectContaining({ slug: 'echo-agent' })]);
		const one = await runAutoGptNode(stack, apiKey, {
			resource: 'store',
			operation: 'get',
			storeAgent: sandbox.storeAgents.slow,
		});
		expect(json(one.output)).toEqual([
			expect.objectContaining({ graph_id: graph('slow').id, graph_versions: ['1'] }),
		]);
	});

	test('Account → Get', async () => {
		const run = await runAutoGptNode(stack, apiKey, { resource: 'account', operation: 'get' });
		expect(json(run.output)).toEqual([
			expect.objectContaining({ email: 'sandbox.user@example.com', timezone: 'Europe/Amsterdam' }),
		]);
	});

	test('Integration Credential → Get Many and Delete', async () => {
		const many = await runAutoGptNode(stack, apiKey, {
			resource: 'integrationCredential',
			operation: 'getAll',
			returnAll: true,
		});
		const listed = json(many.output);
		expect(listed.map((credential) => credential.provider)).toEqual(
			expect.arrayContaining(['openai', 'http']),
		);
		const target = listed.find((credential) => credential.provider === 'http')!;
		const deleted = await runAutoGptNode(stack, apiKey, {
			resource: 'integrationCredential',
			operation: 'delete',
			credentialId: { __rl: true, mode: 'id', value: target.id },
		});
		expect(json(deleted.output)).toEqual([{ deleted: true, credentials_id: target.id }]);
		expect((await admin.credentials()).map((credential) => credential.id)).not.toContain(target.id);
	});
});

describe('what today’s platform does not have', () => {
	test('Execution → Cancel and Grant → Get Many fail with what to do instead', async () => {
		const cancel = await runAutoGptNode(stack, apiKey, {
			resource: 'execution',
			operation: 'cancel',
			executionId: 'x',
		});
		expect(cancel.error).toMatchObject({
			message: "Execution → Cancel is not available on today's AutoGPT platform (platform.agpt.co)",
			context: { itemIndex: 0 },
		});
		expect(cancel.error?.description).toMatch(/Stop the run in AutoGPT/);
		const grants = await runAutoGptNode(stack, apiKey, { resource: 'grant', operation: 'getAll' });
		expect(grants.error?.description).toMatch(/Integration Credential → Get Many/);
	});

	test('the AutoGPT Trigger does not activate, and says what to use instead', async () => {
		const workflow = await stack.n8n.createWorkflow(
			triggerWorkflow('e2e trigger on today’s platform', apiKey, {
				events: ['execution.completed'],
			}),
		);
		const activation = await stack.n8n
			.activateWorkflow(workflow.id)
			.catch((error: unknown) => error);
		expect(activation).toBeInstanceOf(WorkflowActivationError);
		expect((activation as Error).message).toContain(
			"Today's AutoGPT platform (platform.agpt.co) cannot start this trigger",
		);
		await stack.n8n.deactivateWorkflow(workflow.id).catch(() => undefined);
	});
});

test('the example workflow of today’s platform runs: account, store agent, block', async () => {
	const workflow = await stack.n8n.createWorkflow(loadStoreAgentExample(sandbox, apiKey));
	await stack.n8n.activateWorkflow(workflow.id);
	try {
		const run = await stack.n8n.runWebhookWorkflow(workflow.id, 'autogpt-store-demo', {
			inputs: { topic: 'n8n' },
		});
		expect(run.execution.status).toBe('success');
		expect(nodeOutput(run.execution, 'Use Outputs')[0].json).toEqual({
			account: 'sandbox.user@example.com',
			agent: expect.objectContaining({
				status: 'completed',
				outputs: { topic: 'n8n' },
				agent_version: 3,
			}),
			sum: 41,
		});
	} finally {
		await stack.n8n.deactivateWorkflow(workflow.id);
	}
});
