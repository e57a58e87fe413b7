// Test code: it runs in jest or tsx on Node, never inside n8n, so n8n's rules for node code do not apply.
/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets */
import nock from 'nock';
import { sleep } from 'n8n-workflow';

import { apiKeyCredentials, runAutoGpt, TestCredentialsHelper } from '../../helpers/workflow';

const PLATFORM = 'https://platform.test';
const API = `${PLATFORM}/api/external/v1`;
const credentials = () =>
	new TestCredentialsHelper({ autoGptApi: apiKeyCredentials('agpt_secret_key_123', PLATFORM) });

const executeParameters = (extra: Record<string, unknown> = {}) => ({
	resource: 'agent',
	operation: 'execute',
	agent: { __rl: true, mode: 'id', value: 'agent-1' },
	inputSource: 'json',
	inputsJson: '={{ JSON.stringify({ topic: $json.topic ?? "n8n" }) }}',
	options: { pollInterval: 0.25, timeout: 10 },
	...extra,
});

beforeEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());

describe('Agent → Execute', () => {
	test('without waiting returns the queued execution, with the API key header', async () => {
		const scope = nock(API, { reqheaders: { 'x-api-key': 'agpt_secret_key_123' } })
			.post('/executions/agents/agent-1/execute', { inputs: { topic: 'n8n' } })
			.reply(200, { execution_id: 'ex-1', status: 'queued', message: 'Execution started' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({ waitForCompletion: false }),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					execution_id: 'ex-1',
					status: 'queued',
					message: 'Execution started',
					agent_id: 'agent-1',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(scope.isDone()).toBe(true);
	});

	test.each([['COMPLETED'], ['completed']])(
		'waits for %s and returns simplified outputs',
		async (completed) => {
			nock(API)
				.post('/executions/agents/agent-1/execute')
				.reply(200, { execution_id: 'ex-1', status: 'queued' });
			nock(API)
				.get('/executions/ex-1')
				.reply(200, {
					execution_id: 'ex-1',
					status: completed.replace(/completed/i, (s) =>
						s === 'COMPLETED' ? 'RUNNING' : 'running',
					),
				});
			nock(API)
				.get('/executions/ex-1')
				.reply(200, {
					execution_id: 'ex-1',
					status: completed,
					started_at: '2026-12-31T23:59:58.123456+00:00',
					completed_at: '2027-01-01T00:00:03.000001+00:00',
					outputs: { answer: ['42'], items: [1, 2] },
					error: null,
				});
			const result = await runAutoGpt({
				credentials: credentials(),
				parameters: executeParameters(),
			});
			expect(result.error).toBeUndefined();
			expect(result.items).toEqual([
				{
					json: {
						execution_id: 'ex-1',
						agent_id: 'agent-1',
						status: 'completed',
						outputs: { answer: '42', items: [1, 2] },
					},
					pairedItem: { item: 0 },
				},
			]);
		},
	);

	test('Simplify off returns the whole record', async () => {
		nock(API)
			.post('/executions/agents/agent-1/execute')
			.reply(200, { execution_id: 'ex-1', status: 'queued' });
		nock(API)
			.get('/executions/ex-1')
			.reply(200, {
				execution_id: 'ex-1',
				status: 'COMPLETED',
				started_at: null,
				completed_at: 'x',
				outputs: { a: ['b'] },
				error: null,
			});
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({ simplify: false }),
		});
		expect(result.items[0].json).toEqual({
			execution_id: 'ex-1',
			agent_id: 'agent-1',
			status: 'COMPLETED',
			started_at: null,
			completed_at: 'x',
			outputs: { a: ['b'] },
			error: null,
		});
	});

	test('a failed agent raises an error naming the execution and the platform error', async () => {
		nock(API)
			.post('/executions/agents/agent-1/execute')
			.reply(200, { execution_id: 'ex-9', status: 'queued' });
		nock(API)
			.get('/executions/ex-9')
			.reply(200, { execution_id: 'ex-9', status: 'FAILED', error: 'Tool crashed' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters(),
		});
		expect(result.error?.message).toBe(
			'Execution ex-9 of agent agent-1 failed: Tool crashed. The agent itself ended the run without outputs: check the inputs it was given against what it expects, then run it again; the run in AutoGPT shows where it stopped.',
		);
		expect(result.error?.context?.itemIndex).toBe(0);
	});

	test('under Continue On Fail a failed agent becomes an item with error and the run goes on', async () => {
		nock(API)
			.post('/executions/agents/agent-1/execute', { inputs: { topic: 'a' } })
			.reply(200, { execution_id: 'ex-a', status: 'queued' });
		nock(API)
			.post('/executions/agents/agent-1/execute', { inputs: { topic: 'b' } })
			.reply(200, { execution_id: 'ex-b', status: 'queued' });
		nock(API)
			.get('/executions/ex-a')
			.reply(200, { execution_id: 'ex-a', status: 'failed', error: 'boom' });
		nock(API)
			.get('/executions/ex-b')
			.reply(200, { execution_id: 'ex-b', status: 'completed', outputs: { topic: ['b'] } });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters(),
			inputItems: [{ topic: 'a' }, { topic: 'b' }],
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: expect.objectContaining({
					execution_id: 'ex-a',
					status: 'failed',
					platform_error: 'boom',
					error:
						'Execution ex-a of agent agent-1 failed: boom. The agent itself ended the run without outputs: check the inputs it was given against what it expects, then run it again; the run in AutoGPT shows where it stopped.',
				}),
				pairedItem: { item: 0 },
			},
			{
				json: {
					execution_id: 'ex-b',
					agent_id: 'agent-1',
					status: 'completed',
					outputs: { topic: 'b' },
				},
				pairedItem: { item: 1 },
			},
		]);
	});

	test('without Continue On Fail the first failing item is reported, and the others stop waiting', async () => {
		nock(API)
			.post('/executions/agents/agent-1/execute', { inputs: { topic: 'slow' } })
			.reply(200, { execution_id: 'ex-slow', status: 'queued' });
		nock(API)
			.post('/executions/agents/agent-1/execute', { inputs: { topic: 'bad' } })
			.reply(200, { execution_id: 'ex-bad', status: 'queued' });
		// Never ends: with a one-hour timeout, only the other item's failure can end its wait.
		nock(API)
			.get('/executions/ex-slow')
			.reply(200, { execution_id: 'ex-slow', status: 'RUNNING' })
			.persist();
		nock(API)
			.get('/executions/ex-bad')
			.reply(200, { execution_id: 'ex-bad', status: 'FAILED', error: 'boom' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({ options: { timeout: 3600, pollInterval: 0.25 } }),
			inputItems: [{ topic: 'slow' }, { topic: 'bad' }],
		});
		expect(result.error?.message).toBe(
			'Execution ex-bad of agent agent-1 failed: boom. The agent itself ended the run without outputs: check the inputs it was given against what it expects, then run it again; the run in AutoGPT shows where it stopped.',
		);
		expect(result.error?.context?.itemIndex).toBe(1);
		nock.cleanAll();
	});

	test('a terminated execution is an error too', async () => {
		nock(API)
			.post('/executions/agents/agent-1/execute')
			.reply(200, { execution_id: 'ex-t', status: 'queued' });
		nock(API).get('/executions/ex-t').reply(200, { execution_id: 'ex-t', status: 'TERMINATED' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters(),
		});
		expect(result.error?.message).toBe(
			'Execution ex-t of agent agent-1 was terminated. The run was stopped in AutoGPT before it completed: run the agent again if its outputs are still needed.',
		);
	});

	test('REVIEW is returned at once by default', async () => {
		nock(API)
			.post('/executions/agents/agent-1/execute')
			.reply(200, { execution_id: 'ex-r', status: 'queued' });
		nock(API).get('/executions/ex-r').reply(200, { execution_id: 'ex-r', status: 'REVIEW' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters(),
		});
		expect(result.items[0].json).toEqual({
			execution_id: 'ex-r',
			agent_id: 'agent-1',
			status: 'review',
		});
	});

	test('with Return on Review off, REVIEW is waited through until the run completes', async () => {
		nock(API)
			.post('/executions/agents/agent-1/execute')
			.reply(200, { execution_id: 'ex-r', status: 'queued' });
		nock(API).get('/executions/ex-r').reply(200, { execution_id: 'ex-r', status: 'REVIEW' });
		nock(API)
			.get('/executions/ex-r')
			.reply(200, { execution_id: 'ex-r', status: 'COMPLETED', outputs: { answer: ['ok'] } });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({
				options: { pollInterval: 0.25, timeout: 10, returnOnReview: false },
			}),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			execution_id: 'ex-r',
			agent_id: 'agent-1',
			status: 'completed',
			outputs: { answer: 'ok' },
		});
	});

	test("n8n's Stop ends the wait: no status check after the run was cancelled", async () => {
		nock(API)
			.post('/executions/agents/agent-1/execute')
			.reply(200, { execution_id: 'ex-c', status: 'queued' });
		let checks = 0;
		let stop: () => void = () => {};
		const stopped = new Promise<void>((resolve) => (stop = resolve));
		nock(API)
			.get('/executions/ex-c')
			.reply(() => {
				checks++;
				// the user presses Stop while the node waits before its next check
				if (checks === 2) void sleep(100).then(stop);
				return [200, { execution_id: 'ex-c', status: 'RUNNING' }];
			})
			.persist();
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({ options: { pollInterval: 0.25, timeout: 4 } }),
			cancelWhen: stopped,
		});
		const { error } = await result.nodeSettled;
		nock.cleanAll();
		expect(checks).toBe(2);
		// what n8n logs for the node: it stopped because of the Stop, not because a request failed
		expect(error?.message).toBe(
			'Stopped waiting for execution ex-c: the workflow run was cancelled or another item failed. The agent run goes on in AutoGPT: continue with Execution → Wait and this execution ID.',
		);
	});

	test('gives up after the timeout with the last status and what to do', async () => {
		nock(API)
			.post('/executions/agents/agent-1/execute')
			.reply(200, { execution_id: 'ex-s', status: 'queued' });
		nock(API)
			.get('/executions/ex-s')
			.times(20)
			.reply(200, { execution_id: 'ex-s', status: 'RUNNING' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({ options: { timeout: 1, pollInterval: 0.25 } }),
		});
		expect(result.error?.message).toBe(
			'Execution ex-s did not finish within 1 seconds (last status: RUNNING). Raise Timeout in the options, or continue later with Execution → Wait and this execution ID; the agent goes on running in AutoGPT.',
		);
		expect(result.error?.description).toMatch(/Execution → Wait/);
	});

	test('five items are awaited concurrently: no run is reported done until all five have started', async () => {
		// Awaited one after another, the first item would wait for runs that never start and time out.
		let started = 0;
		for (let i = 0; i < 5; i++) {
			nock(API)
				.post('/executions/agents/agent-1/execute', { inputs: { topic: `t${i}` } })
				.reply(() => {
					started++;
					return [200, { execution_id: `ex-${i}`, status: 'queued' }];
				});
			nock(API)
				.get(`/executions/ex-${i}`)
				.reply(() => [
					200,
					started === 5
						? { execution_id: `ex-${i}`, status: 'COMPLETED', outputs: { topic: [`t${i}`] } }
						: { execution_id: `ex-${i}`, status: 'RUNNING' },
				])
				.persist();
		}
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({ options: { timeout: 5, pollInterval: 0.25 } }),
			inputItems: [0, 1, 2, 3, 4].map((i) => ({ topic: `t${i}` })),
		});
		nock.cleanAll();
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.outputs, item.pairedItem])).toEqual(
			[0, 1, 2, 3, 4].map((i) => [{ topic: `t${i}` }, { item: i }]),
		);
	});
});

describe('Execution → Wait within a read budget', () => {
	test('executions waiting together share the budget: each checks as seldom as their number requires', async () => {
		// 8 reads left for 12 s and four executions waiting: together they may check every 1.5 s,
		// so each one every 6 s, which is past its 4 s timeout. The first to hear the budget checks
		// once and gives up; one execution alone could check every 1.5 s.
		const resetAt = Math.ceil(Date.now() / 1000) + 12;
		const checks: Record<string, number> = {};
		nock(API)
			.get((path) => /\/executions\/ex-\d$/.test(path))
			.reply((uri) => {
				const id = uri.split('/').pop() as string;
				checks[id] = (checks[id] ?? 0) + 1;
				return [
					200,
					{ execution_id: id, status: 'RUNNING' },
					{ 'X-RateLimit-Remaining': '8', 'X-RateLimit-Reset': String(resetAt) },
				];
			})
			.persist();
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				resource: 'execution',
				operation: 'wait',
				executionId: '={{ $json.id }}',
				options: { pollInterval: 5, timeout: 4 },
			},
			inputItems: [0, 1, 2, 3].map((i) => ({ id: `ex-${i}` })),
			continueOnFail: true,
		});
		nock.cleanAll();
		expect(checks['ex-0']).toBe(1);
		expect(result.items[0].json.error).toBe(
			'Execution ex-0 did not finish within 4 seconds (last status: RUNNING). Raise Timeout in the options, or continue later with Execution → Wait and this execution ID; the agent goes on running in AutoGPT.',
		);
	});
});

describe('Agent → Execute input checks', () => {
	test.each([
		['[1,2]', 'Inputs (JSON) must be a JSON object'],
		['{"a":', /^Inputs \(JSON\) is not valid JSON/],
	])('inputs %s are refused with the item index', async (inputsJson, message) => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({ inputsJson }),
		});
		expect(result.error?.message).toMatch(message);
		expect(result.error?.context?.itemIndex).toBe(0);
	});

	test('an empty agent ID names the fix', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({
				agent: { __rl: true, mode: 'id', value: '={{ $json.agentId }}' },
			}),
		});
		expect(result.error?.message).toBe(
			"The agent is empty. Enter the agent ID, or paste the agent's builder URL from AutoGPT.",
		);
	});

	test('the agent ID is taken from a pasted builder URL', async () => {
		nock(API)
			.post('/executions/agents/5f3c9a1e-0000-4000-8000-000000000001/execute')
			.reply(200, { execution_id: 'ex-u', status: 'queued' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({
				waitForCompletion: false,
				agent: {
					__rl: true,
					mode: 'url',
					value:
						'https://platform.agpt.co/build?flowID=5f3c9a1e-0000-4000-8000-000000000001&flowVersion=2',
				},
			}),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.agent_id).toBe('5f3c9a1e-0000-4000-8000-000000000001');
	});

	test('a URL without flowID is refused', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({
				agent: { __rl: true, mode: 'id', value: '={{ "https://platform.agpt.co/library?x=1" }}' },
			}),
		});
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(`${result.error?.message} ${result.error?.description}`).toMatch(/flowID/);
	});

	test('inputs from fields, grant IDs and webhook URL go into the body', async () => {
		const scope = nock(API)
			.post('/executions/agents/agent-1/execute', {
				inputs: { topic: 'cats', tone: 'dry' },
				grant_ids: ['g-1', 'g-2'],
				webhook_url: 'https://n8n.example.com/webhook/abc',
			})
			.reply(200, { execution_id: 'ex-f', status: 'queued' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({
				waitForCompletion: false,
				inputSource: 'fields',
				inputFields: {
					input: [
						{ name: 'topic', value: 'cats' },
						{ name: 'tone', value: 'dry' },
					],
				},
				grantIds: ['g-1', 'g-2'],
				webhookUrl: 'https://n8n.example.com/webhook/abc',
			}),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: { execution_id: 'ex-f', status: 'queued', agent_id: 'agent-1' },
				pairedItem: { item: 0 },
			},
		]);
		expect(scope.isDone()).toBe(true);
	});

	test('grant IDs given as one comma-separated expression are sent as a list', async () => {
		nock(API)
			.post('/executions/agents/agent-1/execute', {
				inputs: { topic: 'n8n' },
				grant_ids: ['g-1', 'g-2', 'g-3'],
			})
			.reply(200, { execution_id: 'ex-g', status: 'queued' });
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({
				waitForCompletion: false,
				grantIds: '={{ $json.grants }}',
			}),
			inputItems: [{ grants: 'g-1, g-2,,g-3 ' }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.execution_id).toBe('ex-g');
	});

	test('an input without a name is refused, naming the fix, and no run is started', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({
				waitForCompletion: false,
				inputSource: 'fields',
				inputFields: {
					input: [
						{ name: 'topic', value: 'cats' },
						{ name: '', value: 'dry' },
					],
				},
			}),
		});
		expect(result.error?.message).toBe(
			'An input under Inputs has no name: give every input the name the agent uses for it in AutoGPT',
		);
		expect(result.error?.description).toMatch(/Give every input under Inputs the name/);
		expect(result.error?.context?.itemIndex).toBe(0);
	});

	test('a malformed webhook URL is refused before any request', async () => {
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: executeParameters({ webhookUrl: 'not a url' }),
		});
		expect(result.error?.message).toBe(
			'Webhook URL "not a url" is not a valid http(s) URL: use the full address, e.g. the Production URL of an AutoGPT Trigger',
		);
	});
});
