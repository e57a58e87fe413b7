// Agent → Execute with Wait Mode "Webhook" in a real n8n 2.40.7: the n8n execution waits (saved,
// nothing polling) and the sandbox's real signed deliveries to n8n's resume URL end the wait.
// Every outcome is compared with Poll mode's for the same agents.
import type { Execution, ItemJson } from './n8n-api';
import { nodeError, nodeOutput } from './n8n-api';
import type { SandboxDelivery } from './platform';
import { sleep } from './processes';
import { prepareAutoGpt, runAutoGptNode, uniquePath, useStack, type TestStack } from './testkit';
import {
	agentLocator,
	autoGptNode,
	executeAgentParameters,
	webhookWorkflow,
	type CredentialRef,
} from './workflows';

// The restart test waits for n8n to stop and start again on a busy machine.
jest.setTimeout(600_000);

const stackOf = useStack();
let stack: TestStack;
let oauth: CredentialRef;
let apiKey: CredentialRef;

const NODE = 'AutoGPT';

function execute(
	agentId: string,
	waitMode: 'poll' | 'webhook',
	extra: Record<string, unknown> = {},
	options: Record<string, unknown> = {},
): Record<string, unknown> {
	return executeAgentParameters(agentId, {
		waitMode,
		options: { timeout: 120, ...(waitMode === 'poll' ? { pollInterval: 0.5 } : {}), ...options },
		...extra,
	});
}

/** The items without what differs between two runs of the same agents (the run's own identity). */
function comparable(items: ItemJson[], drop: string[] = ['execution_id']) {
	return items.map((item) => ({
		pairedItem: item.pairedItem,
		json: Object.fromEntries(Object.entries(item.json).filter(([key]) => !drop.includes(key))),
	}));
}

/** Status reads of the given platform executions in the sandbox's request log since `since`. */
async function statusReads(executionIds: string[], since = 0): Promise<string[]> {
	const ids = new Set(executionIds);
	return (await stack.admin.requests())
		.filter((request) => request.method === 'GET')
		.filter((request) => Date.parse(request.at) >= since)
		.map((request) => request.path.split('/').pop() ?? '')
		.filter((id) => ids.has(id));
}

/** n8n's answer to one attempt of a delivery, once the sandbox has it. */
async function answerTo(deliveryId: string, attempt: number): Promise<number | null | undefined> {
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		const found = (await stack.admin.deliveries()).find(
			(d) => d.delivery_id === deliveryId && d.attempt === attempt,
		);
		if (found) return found.status;
		await sleep(250);
	}
	return undefined;
}

interface Started {
	workflowId: string;
	known: Set<string>;
}

/** Starts the workflow through its production webhook; does not wait for the run to end. */
async function startRun(
	parameters: Record<string, unknown>,
	items: Array<Record<string, unknown>>,
	nodeExtra: Record<string, unknown> = {},
	credential: CredentialRef = oauth,
): Promise<Started> {
	const path = uniquePath('wait');
	const workflow = await stack.n8n.createWorkflow(
		webhookWorkflow(`wait ${expect.getState().currentTestName ?? path}`.slice(0, 120), path, [
			autoGptNode(NODE, credential, parameters, nodeExtra),
		]),
	);
	await stack.n8n.activateWorkflow(workflow.id);
	const known = await stack.n8n.executionIds(workflow.id);
	const response = await fetch(`${stack.n8nUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ items }),
	});
	expect(response.status).toBe(200);
	return { workflowId: workflow.id, known };
}

/** The run's n8n execution once it is in the waiting state. */
async function waiting(run: Started, timeoutMs = 60_000): Promise<Execution> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const [execution] = (await stack.n8n.executions(run.workflowId)).filter(
			(e) => !run.known.has(String(e.id)),
		);
		if (execution?.status === 'waiting') return await stack.n8n.execution(String(execution.id));
		if (execution && !['new', 'running'].includes(execution.status)) {
			throw new Error(`the run ended (${execution.status}) instead of waiting`);
		}
		await sleep(250);
	}
	throw new Error('the run did not start waiting');
}

async function finished(run: Started, timeoutMs = 120_000): Promise<Execution> {
	const [execution] = await stack.n8n.waitForExecutions(run.workflowId, {
		known: run.known,
		timeoutMs,
	});
	await stack.n8n.deactivateWorkflow(run.workflowId);
	return execution;
}

/** The platform executions a waiting run started, in item order (from its waiting run's items). */
function startedExecutions(execution: Execution): string[] {
	return nodeOutput(execution, NODE).map((item) => String(item.json.execution_id));
}

beforeAll(async () => {
	stack = stackOf();
	({ oauth, apiKey } = await prepareAutoGpt(stack));
});

const fiveItems = [3, 1, 4, 1, 5].map((seconds, n) => ({ inputs: { seconds, n, topic: `t${n}` } }));

/** Error texts name the runs; with the runs' IDs taken out, two runs of the same agents compare. */
function withoutIds(value: unknown, ids: string[]): unknown {
	let text = JSON.stringify(value);
	for (const id of ids) text = text.split(id).join('<run>');
	return JSON.parse(text) as unknown;
}

/**
 * Every call to the resume URL that ends a run: answered 200 at last; before that only n8n's 409
 * (the node still starting runs). An `execution.started` call changes nothing: one that came while
 * the node was still starting runs may meet the execution ended by then, and stay at 409.
 */
async function expectCallsAnswered(runs: string[]) {
	const calls = (await stack.admin.deliveries()).filter((d) => runs.includes(d.execution_id ?? ''));
	const last = new Map<string, (typeof calls)[number]>();
	for (const call of calls) last.set(call.delivery_id, call);
	for (const call of last.values()) {
		if (call.event !== 'execution.started') expect(call.status).toBe(200);
	}
	for (const call of calls) expect([200, 409]).toContain(call.status);
	return calls;
}

describe('Wait Mode "Webhook"', () => {
	test('5 items: the execution waits with no status read, and the deliveries end it with Poll mode’s outputs', async () => {
		const poll = await runAutoGptNode(
			stack,
			oauth,
			execute(stack.sandbox.agents.slow, 'poll'),
			fiveItems,
		);
		expect(poll.execution.status).toBe('success');

		const since = Date.now();
		const run = await startRun(execute(stack.sandbox.agents.slow, 'webhook'), fiveItems);
		const paused = await waiting(run);
		const runs = startedExecutions(paused);
		expect(runs).toHaveLength(5);
		const resumeUrls = new Set(
			(await stack.admin.executions())
				.filter((e) => runs.includes(e.execution_id))
				.map((e) => e.webhook_url),
		);
		expect(resumeUrls.size).toBe(1);
		expect([...resumeUrls][0]).toMatch(
			new RegExp(`^${stack.n8nUrl}/webhook-waiting/${paused.id}\\?signature=`),
		);

		const done = await finished(run);
		expect(done.status).toBe('success');
		const output = nodeOutput(done, NODE);
		expect(comparable(output)).toEqual(comparable(poll.output));
		expect(output.map((item) => item.json.execution_id)).toEqual(runs);
		expect(await statusReads(runs, since)).toEqual([]);
		// execution.started included: each call acknowledged.
		const calls = await expectCallsAnswered(runs);
		expect(new Set(calls.map((d) => `${d.event} ${d.execution_id}`)).size).toBe(10);
	});

	test('Simplify off: the full records of Poll mode, with one status read per run', async () => {
		const items = fiveItems.slice(0, 3);
		const poll = await runAutoGptNode(
			stack,
			oauth,
			execute(stack.sandbox.agents.slow, 'poll', { simplify: false }),
			items,
		);
		const since = Date.now();
		const run = await startRun(
			execute(stack.sandbox.agents.slow, 'webhook', { simplify: false }),
			items,
		);
		const done = await finished(run);
		expect(done.status).toBe('success');
		const output = nodeOutput(done, NODE);
		const differ = ['execution_id', 'started_at', 'completed_at'];
		expect(comparable(output, differ)).toEqual(comparable(poll.output, differ));
		expect(output[0].json).toHaveProperty('started_at');
		const runs = output.map((item) => String(item.json.execution_id));
		expect((await statusReads(runs, since)).sort()).toEqual([...runs].sort());
	});

	test('n8n stopped while waiting: the calls after its restart end the wait', async () => {
		// Retries that outlast a restart on a busy machine and stay inside the 5-minute window.
		await stack.admin.config({ retryDelaysSeconds: [10, 60, 200] });
		try {
			// Two runs end before n8n stops, two while it is down or starting again.
			const items = [2, 2, 8, 12].map((seconds, n) => ({ inputs: { seconds, n } }));
			const since = Date.now();
			const run = await startRun(
				execute(stack.sandbox.agents.slow, 'webhook', {}, { timeout: 600 }),
				items,
			);
			const paused = await waiting(run);
			const runs = startedExecutions(paused);
			// The two quick runs have called back and been heard before n8n stops.
			const deadline = Date.now() + 60_000;
			const heard = async () =>
				(await stack.admin.deliveries()).filter(
					(d) =>
						d.event === 'execution.completed' &&
						d.status === 200 &&
						runs.slice(0, 2).includes(d.execution_id ?? ''),
				).length;
			while ((await heard()) < 2 && Date.now() < deadline) await sleep(250);
			expect(await heard()).toBe(2);
			const before = stack.pids.n8n;
			await stack.restartN8n();
			expect(stack.pids.n8n).not.toBe(before);

			const done = await finished(run, 360_000);
			expect(done.id).toBe(paused.id);
			expect(done.status).toBe('success');
			expect(nodeOutput(done, NODE).map((item) => [item.pairedItem, item.json.outputs])).toEqual(
				items.map((item, n) => [{ item: n }, item.inputs]),
			);
			// A call that found n8n down was tried again and heard after the restart.
			const calls = await stack.admin.deliveries();
			const slow = calls.filter(
				(d) => d.event === 'execution.completed' && runs.slice(2).includes(d.execution_id ?? ''),
			);
			expect(slow.some((d) => d.status !== 200)).toBe(true);
			const heardAfter = new Set(slow.filter((d) => d.status === 200).map((d) => d.execution_id));
			expect(heardAfter.size).toBeGreaterThanOrEqual(1);
			// The restarted process read the runs it had not heard of, each once at most; a slow run
			// whose call came after the first one may have been read instead (the wait then ended).
			const reads = await statusReads(runs, since);
			expect(new Set(reads).size).toBe(reads.length);
			expect(reads.length).toBeLessThan(runs.length);
			for (const id of runs.slice(2)) expect(heardAfter.has(id) || reads.includes(id)).toBe(true);
		} finally {
			await stack.admin.config({ retryDelaysSeconds: [5, 30, 300] });
		}
	});

	test('forged, stale, unsigned and replayed calls are answered 401 and change nothing', async () => {
		// The first run calls back at 6 s; the others later, so that the execution still waits meanwhile.
		const items = [6, 20, 20].map((seconds, n) => ({ inputs: { seconds, n } }));
		const run = await startRun(execute(stack.sandbox.agents.slow, 'webhook'), items);
		const paused = await waiting(run);
		const runs = startedExecutions(paused);
		const url = String(
			(await stack.admin.executions()).find((e) => e.execution_id === runs[0])?.webhook_url,
		);
		const claim = {
			execution_id: runs[0],
			agent_id: stack.sandbox.agents.slow,
			status: 'completed',
			outputs: { forged: ['yes'] },
		};
		const now = new Date().toISOString();
		const body = JSON.stringify({ event: 'execution.completed', timestamp: now, data: claim });
		const post = async (headers: Record<string, string>) =>
			await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-webhook-timestamp': now, ...headers },
				body,
			});
		const forged = await post({ 'x-webhook-signature': `sha256=${'0'.repeat(64)}` });
		expect(forged.status).toBe(401);
		expect(await forged.json()).toEqual({ error: 'signature does not match' });
		expect((await post({})).status).toBe(401);

		const stale = new Date(Date.now() - 10 * 60_000).toISOString();
		const staleCall = await stack.admin.deliver({
			url,
			event: 'execution.completed',
			data: claim,
			secret: stack.sandbox.webhookSecret,
			timestamp: stale,
			retries: false,
		});
		// The genuine first call of the first run, sent again byte for byte.
		const deadline = Date.now() + 60_000;
		let genuine: SandboxDelivery | undefined;
		while (!genuine && Date.now() < deadline) {
			genuine = (await stack.admin.deliveries()).find(
				(d) => d.execution_id === runs[0] && d.event === 'execution.completed' && d.status === 200,
			);
			await sleep(250);
		}
		expect(genuine).toBeDefined();
		await stack.admin.resend(genuine!.delivery_id);
		expect(await answerTo(staleCall.delivery_id, 1)).toBe(401);
		expect(await answerTo(genuine!.delivery_id, genuine!.attempt + 1)).toBe(401);
		expect((await stack.n8n.execution(paused.id)).status).toBe('waiting');

		const done = await finished(run);
		expect(done.status).toBe('success');
		expect(nodeOutput(done, NODE).map((item) => item.json.outputs)).toEqual(
			items.map((item) => item.inputs),
		);
	});

	test('one agent fails among three: an error item under Continue On Fail, the node’s error without', async () => {
		const agents = stack.sandbox.agents;
		const items = [
			{ agent: agents.slow, inputs: { seconds: 2, n: 0 } },
			{ agent: agents.failing, inputs: { message: 'the agent gave up' } },
			{ agent: agents.slow, inputs: { seconds: 3, n: 2 } },
		];
		const byItem = { agent: agentLocator('={{ $json.agent }}') };
		for (const continueOnFail of [true, false]) {
			const nodeExtra = continueOnFail ? { onError: 'continueRegularOutput' } : {};
			const poll = await runAutoGptNode(stack, oauth, execute('', 'poll', byItem), items, {
				nodeExtra,
			});
			const run = await startRun(execute('', 'webhook', byItem), items, nodeExtra);
			const paused = await waiting(run);
			const done = await finished(run);
			const ids = [
				...startedExecutions(paused),
				...nodeOutput(poll.execution, NODE).map((item) => String(item.json.execution_id)),
				...(await stack.admin.executions()).map((e) => e.execution_id),
			];
			if (continueOnFail) {
				expect(done.status).toBe('success');
				const output = nodeOutput(done, NODE);
				expect(output[1].json).toMatchObject({
					status: 'failed',
					platform_error: 'the agent gave up',
					error: expect.stringMatching(
						/failed: the agent gave up\. The agent itself ended the run/,
					),
				});
				expect(withoutIds(comparable(output), ids)).toEqual(
					withoutIds(comparable(poll.output), ids),
				);
			} else {
				expect(done.status).toBe('error');
				const error = nodeError(done, NODE);
				expect(error?.message).toMatch(
					/failed: the agent gave up\. The agent itself ended the run/,
				);
				expect(withoutIds([error?.message, error?.description], ids)).toEqual(
					withoutIds([poll.error?.message, poll.error?.description], ids),
				);
			}
		}
	});

	test('Timeout with a call lost on the way: one read per run not heard of, then Poll mode’s result', async () => {
		const items = [
			{ inputs: { seconds: 1, n: 0 } }, // its completion is lost on the way
			{ inputs: { seconds: 90, n: 1 } }, // still running at the Timeout
			{ inputs: { seconds: 3, n: 2 } },
		];
		const options = { timeout: 15 };
		const nodeExtra = { onError: 'continueRegularOutput' };
		const poll = await runAutoGptNode(
			stack,
			oauth,
			execute(stack.sandbox.agents.slow, 'poll', {}, options),
			items,
			{ nodeExtra },
		);
		await stack.admin.fault({
			delivery: true,
			path: '^/webhook-waiting/',
			event: 'execution.completed',
			drop: true,
			count: 1,
		});
		const since = Date.now();
		const run = await startRun(
			execute(stack.sandbox.agents.slow, 'webhook', {}, options),
			items,
			nodeExtra,
		);
		const paused = await waiting(run);
		const runs = startedExecutions(paused);
		const done = await finished(run);
		expect(done.status).toBe('success');
		const output = nodeOutput(done, NODE);
		expect(output.map((item) => item.json.status)).toEqual(['completed', undefined, 'completed']);
		expect(output[1].json.error).toBe(
			`Execution ${runs[1]} did not finish within 15 seconds (last status: RUNNING). Raise Timeout in the options, or continue later with Execution → Wait and this execution ID; the agent goes on running in AutoGPT.`,
		);
		const ids = [
			...runs,
			...nodeOutput(poll.execution, NODE).map((item) => String(item.json.execution_id)),
			...nodeOutput(poll.execution, NODE).map((item) =>
				String(/Execution (\S+) did not/.exec(String(item.json.error))?.[1]),
			),
		];
		expect(withoutIds(comparable(output), ids)).toEqual(withoutIds(comparable(poll.output), ids));
		// The lost call's run and the running one were read once each; the third called back.
		expect((await statusReads(runs, since)).sort()).toEqual([runs[0], runs[1]].sort());
	});

	test('with the API key credential it fails before starting anything, naming OAuth2 and Poll', async () => {
		const before = (await stack.admin.executions()).length;
		const run = await runAutoGptNode(stack, apiKey, execute(stack.sandbox.agents.echo, 'webhook'), [
			{ inputs: { a: 1 } },
		]);
		expect(run.execution.status).toBe('error');
		expect(run.error?.message).toBe('Wait Mode "Webhook" needs the OAuth2 credential');
		expect(run.error?.description).toMatch(/OAuth2/);
		expect(run.error?.description).toMatch(/"Poll"/);
		expect((await stack.admin.executions()).length).toBe(before);
	});
});
