// Exactly one agent run per item (contract §12): the AutoGPT node against the sandbox over real
// loopback HTTP, run through n8n-core's WorkflowExecute, with the faults that leave an execute
// ambiguous injected after the run has started. A sandbox that stores keys: the item succeeds and
// the sandbox holds exactly one execution for it. A sandbox that ignores keys (the reference
// design): today's behaviour, an error saying the run may have started, and exactly one run.
import type { IDataObject } from 'n8n-workflow';

import { setRequestTimeoutMs } from '../../nodes/AutoGpt/transport';
import type { Sandbox } from '../sandbox/server';
import { admin, faultAfterTheRunStarted, startTestSandbox } from '../sandbox/testkit';
import { apiKeyCredentials, runAutoGpt, TestCredentialsHelper } from '../helpers/workflow';

interface SandboxExecution {
	execution_id: string;
	inputs: Record<string, unknown>;
	idempotency_key: string | null;
}
interface SandboxRequest {
	method: string;
	path: string;
	status: number;
	idempotency_key: string | null;
}

const unlimited = { perMinute: 0, perHour: 0 };
const limits = { rateLimits: { execute: unlimited, read: unlimited, oauth: { perMinute: 0 } } };
let storing: Sandbox;
let ignoring: Sandbox;
let nextInput = 1;

beforeAll(async () => {
	storing = await startTestSandbox(limits);
	ignoring = await startTestSandbox({ ...limits, idempotencyKeys: 'ignore' });
	// One plain run: the node sees the key echoed and from then on knows this platform stores keys.
	const warmup = await run(storing);
	expect(warmup.result.error).toBeUndefined();
});
afterEach(async () => {
	setRequestTimeoutMs();
	await admin(storing, 'DELETE', 'faults');
	await admin(ignoring, 'DELETE', 'faults');
});
afterAll(async () => {
	await storing.stop();
	await ignoring.stop();
});

const credentials = (sandbox: Sandbox) =>
	new TestCredentialsHelper({
		autoGptApi: apiKeyCredentials(sandbox.info.apiKey, sandbox.url, sandbox.apiUrl),
	});
const execute = (sandbox: Sandbox, options: Record<string, unknown> = {}) => ({
	resource: 'agent',
	operation: 'execute',
	agent: { __rl: true, mode: 'id', value: sandbox.info.agents.echo },
	inputSource: 'json',
	inputsJson: '={{ JSON.stringify($json) }}',
	options: { pollInterval: 0.25, timeout: 30, ...options },
});

/** Runs the node over items with fresh inputs `n`; reports its result and what the sandbox saw. */
async function run(
	sandbox: Sandbox,
	options: {
		items?: number;
		inputs?: IDataObject[];
		executionId?: string;
		node?: Record<string, unknown>;
		parameters?: Record<string, unknown>;
	} = {},
) {
	const inputs =
		options.inputs ?? Array.from({ length: options.items ?? 1 }, () => ({ n: nextInput++ }));
	await admin(sandbox, 'DELETE', 'requests');
	const result = await runAutoGpt({
		credentials: credentials(sandbox),
		parameters: execute(sandbox, options.parameters),
		inputItems: inputs,
		executionId: options.executionId,
		node: options.node,
	});
	const executions = (await admin(sandbox, 'GET', 'executions')).json as SandboxExecution[];
	const requests = (await admin(sandbox, 'GET', 'requests')).json as SandboxRequest[];
	return {
		result,
		inputs,
		/** Agent runs in the sandbox per input item. */
		runsPerItem: inputs.map(
			(input) =>
				executions.filter((execution) => execution.inputs.n === input.n && input.n !== undefined)
					.length,
		),
		executions,
		executes: requests.filter(
			(request) => request.method === 'POST' && request.path.endsWith('/execute'),
		),
	};
}

describe('a platform that stores keys: the item succeeds, one run', () => {
	test.each([
		['the answer is lost after the run started', { drop: true }],
		['a 502 after the run started', { status: 502 }],
		['the connection is reset after the run started', { reset: true }],
	])('%s', async (_name, rule) => {
		await faultAfterTheRunStarted(storing, rule);
		const { result, runsPerItem, executes, executions } = await run(storing);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		expect(runsPerItem).toEqual([1]);
		// Sent twice under one key; the second answer was the first run's, replayed.
		expect(executes).toHaveLength(2);
		expect(executes[1].idempotency_key).toBe(executes[0].idempotency_key);
		expect(executes[1].status).toBe(200);
		const [runOfItem] = executions.filter(
			(execution) => execution.idempotency_key === executes[0].idempotency_key,
		);
		expect(result.items[0].json.execution_id).toBe(runOfItem.execution_id);
	});

	test('the answer comes later than the request timeout', async () => {
		// The transport's timeout, shortened for this test (30 s in n8n); the answer is held 4 s.
		setRequestTimeoutMs(1000);
		await faultAfterTheRunStarted(storing, { delayMs: 4000 });
		const { result, runsPerItem, executes } = await run(storing);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		expect(runsPerItem).toEqual([1]);
		expect(executes.length).toBeGreaterThanOrEqual(2);
		expect(new Set(executes.map((request) => request.idempotency_key)).size).toBe(1);
	});

	test('the connection is reset before the run started: sent again, one run', async () => {
		await admin(storing, 'POST', 'faults', { method: 'POST', path: '/execute$', reset: true });
		const { result, runsPerItem, executes } = await run(storing);
		expect(result.error).toBeUndefined();
		expect(runsPerItem).toEqual([1]);
		expect(executes).toHaveLength(2);
	});

	test('n8n runs the node again in the same execution (Retry On Fail): no second run', async () => {
		// The run starts; then the wait fails (a 404 on the status check is not retried), and n8n
		// runs the node again as Retry On Fail says, in the same execution.
		await admin(storing, 'POST', 'faults', {
			method: 'GET',
			path: '/executions/[0-9a-f-]{36}$',
			count: 1,
			status: 404,
			body: { detail: 'Execution not found' },
		});
		const { result, runsPerItem, executes } = await run(storing, {
			node: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		expect(runsPerItem).toEqual([1]);
		expect(executes).toHaveLength(2);
		expect(executes[1].idempotency_key).toBe(executes[0].idempotency_key);
	});

	test('the same n8n execution run again (as a queue-mode job is): the same run', async () => {
		const inputs = [{ n: nextInput++ }, { n: nextInput++ }];
		const first = await run(storing, { inputs, executionId: 'queue-job-1' });
		const again = await run(storing, { inputs, executionId: 'queue-job-1' });
		expect(again.result.items.map((item) => item.json.execution_id)).toEqual(
			first.result.items.map((item) => item.json.execution_id),
		);
		expect(again.runsPerItem).toEqual([1, 1]);
		// A new n8n execution is a new run.
		const next = await run(storing, { inputs, executionId: 'queue-job-2' });
		expect(next.runsPerItem).toEqual([2, 2]);
	});

	test('the Idempotency Key option: one run per key across n8n executions', async () => {
		const order = { n: nextInput++, order_id: `order-${nextInput}` };
		const options = { parameters: { idempotencyKey: '={{ $json.order_id }}' } };
		const first = await run(storing, { ...options, inputs: [order] });
		const second = await run(storing, { ...options, inputs: [order] });
		expect(second.result.items[0].json.execution_id).toBe(first.result.items[0].json.execution_id);
		expect(second.runsPerItem).toEqual([1]);
		expect(second.executes[0].idempotency_key).toBe(order.order_id);

		// The same key with other inputs is refused, in words that name the key.
		const changed = await run(storing, { ...options, inputs: [{ ...order, extra: true }] });
		expect(changed.result.error?.message).toMatch(
			/AutoGPT answered 422 Unprocessable Entity — Idempotency-Key reused with a different request\. The Idempotency-Key "order-\d+" started a run/,
		);
		expect(changed.result.error?.description).toContain(`"${order.order_id}"`);
	});

	test('two items with the same key in one execution: one run, both items get it', async () => {
		const order = { n: nextInput++, order_id: `order-${nextInput}` };
		const { result, runsPerItem } = await run(storing, {
			parameters: { idempotencyKey: '={{ $json.order_id }}' },
			inputs: [order, order],
		});
		expect(result.error).toBeUndefined();
		expect(runsPerItem).toEqual([1, 1]);
		expect(result.items[1].json.execution_id).toBe(result.items[0].json.execution_id);
	});
});

describe('a platform that ignores keys (the reference design): as before, never repeated', () => {
	test.each([
		['the answer is lost after the run started', { drop: true }, /no answer from AutoGPT/],
		['a 502 after the run started', { status: 502 }, /AutoGPT answered 502 Bad Gateway/],
	])('%s: an error saying the run may have started, one run', async (_name, rule, message) => {
		// A run that succeeded first: the platform answered without echoing the key.
		expect((await run(ignoring)).result.error).toBeUndefined();
		await faultAfterTheRunStarted(ignoring, rule);
		const { result, runsPerItem, executes } = await run(ignoring);
		expect(result.error?.message).toMatch(message);
		expect(result.error?.description).toMatch(
			/not repeated, so that no agent run is started twice: the run may have started\. Look for it among the agent's executions/,
		);
		expect(executes).toHaveLength(1);
		expect(runsPerItem).toEqual([1]);
	});
});

describe('a platform that stores keys, before its first echo was seen', () => {
	test('the first execute that fails ambiguously is not repeated either', async () => {
		const fresh = await startTestSandbox(limits);
		try {
			await faultAfterTheRunStarted(fresh, { status: 502 });
			const { result, runsPerItem, executes } = await run(fresh);
			expect(result.error?.description).toMatch(/not repeated.*may have started/);
			expect(executes).toHaveLength(1);
			expect(runsPerItem).toEqual([1]);
			// Its answers to that execute carried no echo (the 502 was a gateway's); the next one does.
			expect((await run(fresh)).result.error).toBeUndefined();
			await faultAfterTheRunStarted(fresh, { status: 502 });
			expect((await run(fresh)).result.error).toBeUndefined();
		} finally {
			await fresh.stop();
		}
	});
});
