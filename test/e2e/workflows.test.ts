// Every operation of the AutoGPT node, and the AutoGPT Trigger, in a real n8n 2.x with the packed
// package installed as a community package and the sandbox as the platform. Workflows are started
// through n8n's production webhooks; results are read from n8n's own execution records.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { createHmac } from 'crypto';
import { readFileSync } from 'fs';

import type { ItemJson } from './n8n-api';
import { apiKeyCredentialData } from './platform';
import { prepareAutoGpt, runAutoGptNode, runChain, useStack, type TestStack } from './testkit';
import {
	autoGptNode,
	executeAgentParameters,
	triggerWorkflow,
	type CredentialRef,
} from './workflows';
import { sleep } from './processes';

jest.setTimeout(120_000);

const stackOf = useStack();
let stack: TestStack;
let oauth: CredentialRef;
let apiKey: CredentialRef;

const FAST = { pollInterval: 0.5, timeout: 90 };

function execute(agentId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return executeAgentParameters(agentId, { options: FAST, ...extra });
}

function json(items: ItemJson[]): Array<Record<string, unknown>> {
	return items.map((item) => item.json);
}

beforeAll(async () => {
	stack = stackOf();
	({ apiKey, oauth } = await prepareAutoGpt(stack));
});

describe('the package inside n8n', () => {
	test('is loaded from the nodes folder as a community package, its imports resolving from n8n', async () => {
		const types = (await stack.n8n.nodeTypes()).map((t) => t.name);
		expect(types).toEqual(
			expect.arrayContaining(['n8n-nodes-autogpt.autoGpt', 'n8n-nodes-autogpt.autoGptTrigger']),
		);
		const packages = await stack.n8n.communityPackages();
		const ours = packages.find((p) => p.packageName === 'n8n-nodes-autogpt');
		expect(ours).toMatchObject({ failedLoading: false });
		expect(ours?.installedNodes.map((n) => n.type).sort()).toEqual([
			'n8n-nodes-autogpt.autoGpt',
			'n8n-nodes-autogpt.autoGptTrigger',
		]);
		for (const file of Object.values(stack.resolution)) expect(file).not.toContain('/work/');
	});

	test('the credential test of the API key credential passes against the platform', async () => {
		const credentialTypes = await stack.n8n.credentialTypes();
		const names = credentialTypes.map((t) => t.name);
		expect(names).toEqual(expect.arrayContaining(['autoGptApi', 'autoGptOAuth2Api']));
		const result = await stack.n8n.rest<{ status: string; message: string }>(
			'POST',
			'/credentials/test',
			{
				credentials: {
					id: apiKey.id,
					name: apiKey.name,
					type: 'autoGptApi',
					data: apiKeyCredentialData(stack.sandbox),
				},
			},
		);
		expect(result).toMatchObject({ status: 'OK' });
	});
});

describe('Agent → Execute', () => {
	test('waits for 5 items and pairs each item with its own outputs', async () => {
		const items = [0, 1, 2, 3, 4].map((n) => ({ inputs: { topic: `topic-${n}`, n } }));
		const before = new Set((await stack.admin.executions()).map((e) => e.execution_id));
		const run = await runAutoGptNode(stack, oauth, execute(stack.sandbox.agents.echo), items);
		expect(run.execution.status).toBe('success');
		expect(run.output).toHaveLength(5);
		run.output.forEach((item, n) => {
			expect(item.pairedItem).toEqual({ item: n });
			expect(item.json).toMatchObject({ status: 'completed', outputs: { topic: `topic-${n}`, n } });
		});
		const created = (await stack.admin.executions()).filter((e) => !before.has(e.execution_id));
		expect(created.map((e) => e.inputs).sort((a, b) => Number(a.n) - Number(b.n))).toEqual(
			items.map((i) => i.inputs),
		);
	});

	test('runs with the API key credential too, inputs given as fields', async () => {
		const run = await runAutoGptNode(
			stack,
			apiKey,
			execute(stack.sandbox.agents.echo, {
				inputSource: 'fields',
				inputFields: { input: [{ name: 'greeting', value: '={{ $json.word }}' }] },
			}),
			[{ word: 'hello' }],
		);
		expect(run.execution.status).toBe('success');
		expect(json(run.output)).toEqual([expect.objectContaining({ outputs: { greeting: 'hello' } })]);
	});
});

describe('Execution → Get, Wait, Cancel', () => {
	test('Get after Wait returns the full record of the execution Execute Agent started', async () => {
		const run = await runChain(
			stack,
			[
				autoGptNode(
					'Start',
					oauth,
					execute(stack.sandbox.agents.echo, { waitForCompletion: false }),
				),
				autoGptNode('Wait', oauth, {
					resource: 'execution',
					operation: 'wait',
					executionId: '={{ $json.execution_id }}',
					options: FAST,
				}),
				autoGptNode('Get', oauth, {
					resource: 'execution',
					operation: 'get',
					executionId: "={{ $('Start').item.json.execution_id }}",
					simplify: false,
				}),
			],
			[{ inputs: { city: 'Lyon' } }],
			'Get',
		);
		expect(run.execution.status).toBe('success');
		const started = run.execution.data!.resultData.runData.Start[0].data!.main[0]![0].json;
		const [record] = json(run.output);
		expect(record.execution_id).toBe(started.execution_id);
		expect(String(record.status).toLowerCase()).toBe('completed');
		expect(record.outputs).toEqual({ city: ['Lyon'] });
		expect(record).toHaveProperty('started_at');
	});

	test('Cancel stops a slow agent; cancelling it again is a clear error', async () => {
		const run = await runChain(
			stack,
			[
				autoGptNode(
					'Start',
					oauth,
					execute(stack.sandbox.agents.slow, { waitForCompletion: false }),
				),
				autoGptNode('Cancel', oauth, {
					resource: 'execution',
					operation: 'cancel',
					executionId: '={{ $json.execution_id }}',
				}),
			],
			[{ inputs: { seconds: 120 } }],
			'Cancel',
		);
		expect(run.execution.status).toBe('success');
		const [answer] = json(run.output);
		expect(answer).toMatchObject({ message: 'Execution terminated' });
		const sandboxRecord = (await stack.admin.executions()).find(
			(e) => e.execution_id === answer.execution_id,
		);
		expect(sandboxRecord?.status.toUpperCase()).toBe('TERMINATED');

		const again = await runAutoGptNode(
			stack,
			oauth,
			{
				resource: 'execution',
				operation: 'cancel',
				executionId: '={{ $json.id }}',
			},
			[{ id: answer.execution_id }],
		);
		expect(again.execution.status).toBe('error');
		expect(again.error?.message).toMatch(/400/);
		expect(again.error?.message).toMatch(/Cannot cancel execution with status TERMINATED/i);
	});
});

describe('Grant, Account and Connect', () => {
	test('Get Many lists the grants; Get returns one', async () => {
		const many = await runAutoGptNode(stack, oauth, {
			resource: 'grant',
			operation: 'getAll',
			returnAll: true,
		});
		expect(many.execution.status).toBe('success');
		const grants = json(many.output);
		expect(grants.map((g) => g.provider)).toEqual(expect.arrayContaining(['google', 'github']));

		const google = grants.find((g) => g.provider === 'google')!;
		const one = await runAutoGptNode(stack, oauth, {
			resource: 'grant',
			operation: 'get',
			grantId: { __rl: true, mode: 'id', value: google.id },
		});
		expect(one.execution.status).toBe('success');
		expect(json(one.output)).toEqual([
			expect.objectContaining({
				id: google.id,
				provider: 'google',
				credential_id: expect.any(String),
			}),
		]);

		const limited = await runAutoGptNode(stack, oauth, {
			resource: 'grant',
			operation: 'getAll',
			returnAll: false,
			limit: 1,
		});
		expect(limited.output).toHaveLength(1);
	});

	test('Delete Credential revokes the grant on the platform', async () => {
		const grant = await stack.admin.createGrant({
			provider: 'notion',
			permissions: ['USE', 'DELETE'],
			scopes: ['notion:read'],
		});
		const run = await runAutoGptNode(stack, oauth, {
			resource: 'grant',
			operation: 'deleteCredential',
			grantId: { __rl: true, mode: 'id', value: grant.id },
		});
		expect(run.execution.status).toBe('success');
		expect(json(run.output)).toEqual([{ deleted: true, grant_id: grant.id }]);
		const after = (await stack.admin.grants()).find((g) => g.id === grant.id);
		expect(after?.revoked_at).toBeTruthy();
	});

	test('Get Capabilities names the client, the grants and the scopes', async () => {
		const run = await runAutoGptNode(stack, oauth, {
			resource: 'account',
			operation: 'getCapabilities',
		});
		expect(run.execution.status).toBe('success');
		const [capabilities] = json(run.output);
		expect(capabilities).toMatchObject({
			client_id: stack.sandbox.clientId,
			user_id: expect.any(String),
		});
		expect(capabilities.grants).toEqual(
			expect.arrayContaining([expect.objectContaining({ provider: 'google' })]),
		);
		expect(capabilities.available_scopes).toEqual(expect.any(Array));
	});

	test('Create Connect Link builds the platform connect URL, which the platform serves', async () => {
		const run = await runAutoGptNode(stack, oauth, {
			resource: 'connect',
			operation: 'createLink',
			provider: 'github',
			scopes: ['github:repo.read', 'github:user.read'],
			redirectOrigin: 'http://127.0.0.1:3000/app',
			nonce: 'nonce-e2e',
		});
		expect(run.execution.status).toBe('success');
		const [link] = json(run.output);
		expect(link).toMatchObject({
			provider: 'github',
			nonce: 'nonce-e2e',
			scopes: ['github:repo.read', 'github:user.read'],
		});
		const url = new URL(String(link.url));
		expect(`${url.origin}${url.pathname}`).toBe(`${stack.sandbox.url}/connect/github`);
		expect(Object.fromEntries(url.searchParams)).toEqual({
			client_id: stack.sandbox.clientId,
			scopes: 'github:repo.read,github:user.read',
			nonce: 'nonce-e2e',
			redirect_origin: 'http://127.0.0.1:3000',
		});
		const page = await fetch(url);
		expect(page.status).toBe(200);
	});
});

describe('errors in n8n execution data', () => {
	test('bad input names the item it came from', async () => {
		const run = await runAutoGptNode(
			stack,
			oauth,
			execute(stack.sandbox.agents.echo, { inputsJson: '={{ $json.raw }}' }),
			[{ raw: '{"a": 1}' }, { raw: '{not json' }, { raw: '{}' }],
		);
		expect(run.execution.status).toBe('error');
		expect(run.error).toMatchObject({
			name: 'NodeOperationError',
			context: { itemIndex: 1 },
			message: expect.stringMatching(/Inputs \(JSON\) is not valid JSON/),
		});
		expect(run.execution.data?.resultData.error?.message).toMatch(/Inputs \(JSON\)/);
	});

	test('a platform error carries its HTTP status, the platform words and the item index', async () => {
		const unknownAgent = '00000000-0000-4000-8000-000000000000';
		const run = await runAutoGptNode(stack, oauth, execute('={{ $json.agent }}'), [
			{ agent: stack.sandbox.agents.echo, inputs: {} },
			{ agent: unknownAgent, inputs: {} },
		]);
		expect(run.execution.status).toBe('error');
		expect(run.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '404',
			context: { itemIndex: 1 },
		});
		expect(run.error?.message).toContain('Agent not found');
		expect(JSON.stringify(run.execution)).not.toContain(stack.sandbox.clientSecret);
	});

	test('a failed agent becomes an error item under Continue On Fail, and the run goes on', async () => {
		const run = await runAutoGptNode(
			stack,
			oauth,
			execute('={{ $json.agent }}'),
			[
				{ agent: stack.sandbox.agents.echo, inputs: { ok: 'yes' } },
				{ agent: stack.sandbox.agents.failing, inputs: { message: 'the model ran out of ideas' } },
			],
			{ nodeExtra: { onError: 'continueRegularOutput' } },
		);
		expect(run.execution.status).toBe('success');
		expect(run.output).toHaveLength(2);
		expect(run.output[0]).toMatchObject({
			pairedItem: { item: 0 },
			json: { outputs: { ok: 'yes' } },
		});
		expect(run.output[1].pairedItem).toEqual({ item: 1 });
		expect(String(run.output[1].json.error)).toContain('the model ran out of ideas');
	});
});

describe('AutoGPT Trigger', () => {
	async function startAgentDirectly(
		agentId: string,
		inputs: Record<string, unknown>,
		body: Record<string, unknown> = {},
	): Promise<string> {
		const response = await fetch(`${stack.sandbox.apiUrl}/executions/agents/${agentId}/execute`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'X-API-Key': stack.sandbox.apiKey },
			body: JSON.stringify({ inputs, ...body }),
		});
		expect(response.status).toBeLessThan(300);
		return ((await response.json()) as { execution_id: string }).execution_id;
	}

	test('automatic registration: activation subscribes, deliveries start executions, forged ones do not, deactivation unsubscribes', async () => {
		const workflow = await stack.n8n.createWorkflow(
			triggerWorkflow('e2e trigger (automatic)', apiKey, {
				events: ['execution.started', 'execution.completed'],
				registration: 'automatic',
			}),
		);
		const webhookId = workflow.nodes[0].webhookId;
		const before = await stack.admin.webhooks();
		await stack.n8n.activateWorkflow(workflow.id);
		const subscriptions = (await stack.admin.webhooks()).filter(
			(s) => !before.some((b) => b.id === s.id),
		);
		expect(subscriptions).toHaveLength(1);
		expect(subscriptions[0]).toMatchObject({
			url: `${stack.webhookUrl}/webhook/${webhookId}/webhook`,
			events: expect.arrayContaining(['execution.started', 'execution.completed']),
		});
		const subscription = subscriptions[0];

		const known = await stack.n8n.executionIds(workflow.id);
		const executionId = await startAgentDirectly(stack.sandbox.agents.echo, {
			note: 'from the trigger test',
		});
		const executions = await stack.n8n.waitForExecutions(workflow.id, {
			known,
			count: 2,
			timeoutMs: 60_000,
		});
		const events = executions.map((e) => {
			const [item] = e.data!.resultData.runData['AutoGPT Trigger'][0].data!.main[0]!;
			return item.json;
		});
		expect(events.map((e) => e.event).sort()).toEqual(['execution.completed', 'execution.started']);
		const completed = events.find((e) => e.event === 'execution.completed')!;
		expect(completed).toMatchObject({
			execution_id: executionId,
			agent_id: stack.sandbox.agents.echo,
			status: 'completed',
			outputs: { note: ['from the trigger test'] },
			data: expect.objectContaining({ execution_id: executionId }),
		});
		const deliveries = (await stack.admin.deliveries()).filter((d) => d.url === subscription.url);
		expect(deliveries.map((d) => d.status)).toEqual([200, 200]);

		// Forged: signed with the wrong secret, and not signed at all. Both refused, nothing started.
		const known2 = await stack.n8n.executionIds(workflow.id);
		const data = {
			execution_id: executionId,
			agent_id: stack.sandbox.agents.echo,
			status: 'completed',
			outputs: {},
		};
		await stack.admin.deliver({
			url: subscription.url,
			event: 'execution.completed',
			data,
			secret: 'whsec_not-the-secret',
		});
		await stack.admin.deliver({
			url: subscription.url,
			event: 'execution.completed',
			data,
			secret: null,
		});
		await sleep(2_000);
		const forged = (await stack.admin.deliveries())
			.filter((d) => d.url === subscription.url)
			.slice(-2);
		expect(forged.map((d) => d.status)).toEqual([401, 401]);
		expect(
			(await stack.n8n.executions(workflow.id)).filter((e) => !known2.has(String(e.id))),
		).toEqual([]);

		await stack.n8n.deactivateWorkflow(workflow.id);
		expect((await stack.admin.webhooks()).map((s) => s.id)).not.toContain(subscription.id);
	});

	test('manual registration: the credential secret verifies deliveries to Execute Agent’s Webhook URL', async () => {
		const workflow = await stack.n8n.createWorkflow(
			triggerWorkflow('e2e trigger (manual)', oauth, {
				events: ['execution.started', 'execution.completed'],
				registration: 'manual',
			}),
		);
		const triggerUrl = `${stack.webhookUrl}/webhook/${workflow.nodes[0].webhookId}/webhook`;
		const before = (await stack.admin.webhooks()).length;
		await stack.n8n.activateWorkflow(workflow.id);
		expect(await stack.admin.webhooks()).toHaveLength(before);
		try {
			const known = await stack.n8n.executionIds(workflow.id);
			const run = await runAutoGptNode(
				stack,
				oauth,
				execute(stack.sandbox.agents.echo, { webhookUrl: triggerUrl }),
				[{ inputs: { via: 'execute webhook url' } }],
			);
			expect(run.execution.status).toBe('success');
			const executions = await stack.n8n.waitForExecutions(workflow.id, {
				known,
				count: 2,
				timeoutMs: 60_000,
			});
			const events = executions.map(
				(e) => e.data!.resultData.runData['AutoGPT Trigger'][0].data!.main[0]![0].json,
			);
			expect(events.map((e) => e.event).sort()).toEqual([
				'execution.completed',
				'execution.started',
			]);
			expect(events.find((e) => e.event === 'execution.completed')).toMatchObject({
				execution_id: run.output[0].json.execution_id,
				outputs: { via: ['execute webhook url'] },
			});

			// The same signed delivery sent again (a replay, with a fresh unsigned header timestamp) is refused;
			// so is the body re-signed with a wrong secret.
			const [delivered] = (await stack.admin.deliveries()).filter(
				(d) => d.url === triggerUrl && d.event === 'execution.completed',
			);
			const send = async (signature: string) =>
				await fetch(triggerUrl, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						'x-webhook-timestamp': new Date().toISOString(),
						'x-webhook-signature': signature,
					},
					body: delivered.body,
				});
			expect((await send(String(delivered.signature))).status).toBe(401);
			expect(
				(
					await send(
						`sha256=${createHmac('sha256', 'whsec_wrong').update(delivered.body).digest('hex')}`,
					)
				).status,
			).toBe(401);
			await sleep(1_000);
			expect(
				(await stack.n8n.executions(workflow.id)).filter((e) => !known.has(String(e.id))),
			).toHaveLength(2);
		} finally {
			await stack.n8n.deactivateWorkflow(workflow.id);
		}
	});
});

describe('offline', () => {
	test('n8n tried no outbound connection (no failed DNS lookup in its log)', () => {
		if (process.env.N8N_E2E_ATTACH === '1') return;
		const log = readFileSync(stack.logs.n8n, 'utf8');
		expect(log).not.toMatch(/ENOTFOUND|EAI_AGAIN|getaddrinfo/);
	});
});
