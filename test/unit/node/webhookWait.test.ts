// Wait Mode "Webhook" through n8n-core's real WorkflowExecute and WebhookContext: the node starts
// the runs with the resume URL and waits; calls to the resume URL are served as n8n serves them
// (test/helpers/waitingExecution.ts). Outcomes are compared with Poll mode's for the same answers.
// Test code: it runs in jest on Node, never inside n8n.
import { createHmac } from 'crypto';
import { sleep } from 'n8n-workflow';
import nock from 'nock';

import { forgetAllWaits } from '../../../nodes/AutoGpt/actions/agent/waitMemory';
import { WAIT_PLAN_KEY, type WaitPlan } from '../../../nodes/AutoGpt/actions/agent/waitPlan';
import { WaitingExecution } from '../../helpers/waitingExecution';
import {
	apiKeyCredentials,
	oauthCredentials,
	runAutoGpt,
	TestCredentialsHelper,
} from '../../helpers/workflow';

const PLATFORM = 'https://platform.test';
const API = `${PLATFORM}/api/external/v1`;
const SECRET = 'whsec_unit_test_secret';
/** What Poll mode adds to a failed run's error (AgentRunEnded). */
const FAILED_REMEDY =
	'The agent itself ended the run without outputs: check the inputs it was given against what it expects, then run it again; the run in AutoGPT shows where it stopped.';

const oauth = (webhookSecret = SECRET) =>
	new TestCredentialsHelper({
		autoGptOAuth2Api: oauthCredentials({
			platformUrl: PLATFORM,
			clientId: 'client-1',
			clientSecret: 'client-secret',
			accessToken: 'access-1',
			webhookSecret,
		}),
	});

const parameters = (
	extra: Record<string, unknown> = {},
	options: Record<string, unknown> = {},
) => ({
	authentication: 'oAuth2',
	resource: 'agent',
	operation: 'execute',
	agent: { __rl: true, mode: 'id', value: 'agent-1' },
	inputSource: 'json',
	inputsJson: '={{ JSON.stringify({ topic: $json.topic }) }}',
	waitForCompletion: true,
	waitMode: 'webhook',
	options: { timeout: 60, ...options },
	...extra,
});

const topics = ['a', 'b', 'c'];
const items = topics.map((topic) => ({ topic }));

/** The platform starts ex-a, ex-b, ex-c; `bodies` collects what each execute request carried. */
function platformStarts(bodies: Array<Record<string, unknown>> = []) {
	return nock(API)
		.post('/executions/agents/agent-1/execute')
		.times(topics.length)
		.reply(200, (_uri, body) => {
			const request = body as { inputs: { topic: string } };
			bodies.push(request);
			return {
				execution_id: `ex-${request.inputs.topic}`,
				status: 'queued',
				message: 'ok',
			};
		});
}

function isoNow(offsetSeconds = 0): string {
	return new Date(Date.now() + offsetSeconds * 1000).toISOString();
}

/** Python's json.dumps(payload, sort_keys=True, separators=(",", ":")) for ASCII payloads. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		return `{${Object.keys(record)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value);
}

const sign = (text: string, secret = SECRET) =>
	`sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;

/** A platform call as §6 describes it: Python's wire JSON, signed over the canonical form. */
function call(
	event: string,
	data: Record<string, unknown>,
	how: { secret?: string; timestamp?: string; headerTimestamp?: string; raw?: boolean } = {},
) {
	const payload = { event, timestamp: how.timestamp ?? isoNow(), data };
	const body = JSON.stringify(payload, null, 1).replace(/\n\s*/g, ' ');
	return {
		body,
		headers: {
			'content-type': 'application/json',
			'x-webhook-timestamp': how.headerTimestamp ?? isoNow(),
			'x-webhook-signature': sign(how.raw ? body : canonical(payload), how.secret),
		},
	};
}

const completed = (topic: string) =>
	call('execution.completed', {
		execution_id: `ex-${topic}`,
		agent_id: 'agent-1',
		status: 'completed',
		outputs: { topic: [topic] },
	});
const failed = (topic: string) =>
	call('execution.failed', {
		execution_id: `ex-${topic}`,
		agent_id: 'agent-1',
		status: 'failed',
		error: `no luck with ${topic}`,
	});

/** A status read of a completed run, as the platform answers it. */
const fullRecord = (topic: string) => ({
	execution_id: `ex-${topic}`,
	status: 'COMPLETED',
	started_at: '2026-01-01T00:00:00+00:00',
	completed_at: '2026-01-01T00:00:01+00:00',
	outputs: { topic: [topic] },
	error: null,
});

async function waitFor(waiting: WaitingExecution, delivery: ReturnType<typeof call>) {
	return await waiting.call(delivery.body, delivery.headers);
}

/** Starts the three runs in Webhook mode and returns the waiting execution. */
async function startWaiting(
	extra: Record<string, unknown> = {},
	options: Record<string, unknown> = {},
	continueOnFail = false,
) {
	const bodies: Array<Record<string, unknown>> = [];
	platformStarts(bodies);
	const waited = await runAutoGpt({
		credentials: oauth(),
		parameters: parameters(extra, options),
		inputItems: items,
		continueOnFail,
	});
	expect(waited.error).toBeUndefined();
	return { waiting: new WaitingExecution(waited), waited, bodies };
}

beforeEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
	forgetAllWaits();
});
afterAll(() => {
	forgetAllWaits();
	nock.enableNetConnect();
});

describe('starting', () => {
	test('each run gets the resume URL; the execution waits until a minute after the Timeout', async () => {
		const before = Date.now();
		const { waited, bodies } = await startWaiting({}, { timeout: 30 });
		const resumeUrl = `http://localhost:5678/webhook-waiting/${waited.additionalData.executionId}`;
		expect(bodies.map((body) => body.webhook_url)).toEqual([resumeUrl, resumeUrl, resumeUrl]);
		const waitTill = (waited.run.waitTill as Date).getTime();
		expect(waitTill).toBeGreaterThanOrEqual(before + 90_000);
		expect(waitTill).toBeLessThan(Date.now() + 91_000);
		// While waiting, the node's run shows the started executions, paired.
		expect(waited.items.map((item) => [item.json.execution_id, item.pairedItem])).toEqual([
			['ex-a', { item: 0 }],
			['ex-b', { item: 1 }],
			['ex-c', { item: 2 }],
		]);
		// Should nothing call back, n8n fails the node when it resumes the execution itself.
		const stack = waited.run.data.executionData!.nodeExecutionStack;
		expect(stack[0].node.name).toBe('AutoGPT');
		expect(stack[0].metadata?.resumeError?.message).toMatch(/Stopped waiting for AutoGPT/);
	});

	test.each([
		['the API key credential', { authentication: 'apiKey' }, /needs the OAuth2 credential/],
		['an OAuth2 credential without its Webhook Secret', {}, /needs the Webhook Secret/],
	])('with %s it fails before starting anything', async (_case, extra, message) => {
		const credentials = new TestCredentialsHelper({
			autoGptApi: apiKeyCredentials('agpt_key', PLATFORM),
			autoGptOAuth2Api: oauthCredentials({
				platformUrl: PLATFORM,
				clientId: 'c',
				clientSecret: 's',
				accessToken: 'a',
			}),
		});
		const result = await runAutoGpt({
			credentials,
			parameters: parameters(extra),
			inputItems: items,
		});
		expect(result.error?.message).toMatch(message);
		expect(result.error?.description).toMatch(/"Poll"/);
		expect(result.error?.description).toMatch(/No agent was started/);
		expect(result.run.waitTill).toBeUndefined();
		expect(nock.pendingMocks()).toEqual([]); // no request was made at all
	});
});

describe('calls to the resume URL', () => {
	test('the last completion ends the wait with the items Poll mode gives, in item order', async () => {
		const { waiting } = await startWaiting();
		for (const topic of ['c', 'a']) {
			const answer = await waitFor(waiting, completed(topic));
			expect(answer.status).toBe(200);
			expect(answer.resumed).toBeUndefined();
		}
		const last = await waitFor(waiting, completed('b'));
		expect(last.status).toBe(200);
		expect(last.resumed?.error).toBeUndefined();
		expect(last.resumed?.items).toEqual(
			topics.map((topic, item) => ({
				json: {
					execution_id: `ex-${topic}`,
					status: 'completed',
					agent_id: 'agent-1',
					outputs: { topic },
				},
				pairedItem: { item },
			})),
		);

		// Poll mode, same answers from status reads.
		platformStarts();
		for (const topic of topics)
			nock(API).get(`/executions/ex-${topic}`).reply(200, fullRecord(topic));
		const poll = await runAutoGpt({
			credentials: oauth(),
			parameters: parameters({ waitMode: 'poll' }, { pollInterval: 0.25 }),
			inputItems: items,
		});
		expect(last.resumed?.items).toEqual(poll.items);
	});

	test('execution.started, other executions and copies change nothing', async () => {
		const { waiting } = await startWaiting();
		const started = call('execution.started', {
			execution_id: 'ex-a',
			agent_id: 'agent-1',
			status: 'running',
		});
		expect(await waitFor(waiting, started)).toEqual({ status: 200, body: { received: true } });
		const other = call('execution.completed', {
			execution_id: 'ex-zzz',
			agent_id: 'agent-1',
			status: 'completed',
			outputs: {},
		});
		expect(await waitFor(waiting, other)).toEqual({
			status: 200,
			body: { received: true, ignored: 'not a run this node waits for' },
		});
		const first = completed('a');
		await waitFor(waiting, first);
		expect(await waitFor(waiting, first)).toMatchObject({
			status: 401,
			body: { error: 'replayed delivery' },
		});
		await waitFor(waiting, completed('b'));
		const last = await waitFor(waiting, completed('c'));
		expect(last.resumed?.items.map((item) => item.json.status)).toEqual([
			'completed',
			'completed',
			'completed',
		]);
	});

	test.each([
		['a forged signature', { secret: 'whsec_not_the_secret' }, 'signature does not match'],
		['a stale signed timestamp', { timestamp: isoNow(-301) }, 'body timestamp is outside'],
		[
			'a stale header timestamp',
			{ headerTimestamp: isoNow(-400) },
			'X-Webhook-Timestamp is outside',
		],
	])('%s is answered 401 and changes nothing', async (_case, how, reason) => {
		const { waiting } = await startWaiting();
		await waitFor(waiting, completed('a'));
		await waitFor(waiting, completed('b'));
		const forged = call(
			'execution.completed',
			{ execution_id: 'ex-c', agent_id: 'agent-1', status: 'completed', outputs: { x: ['y'] } },
			how,
		);
		const refused = await waitFor(waiting, forged);
		expect(refused.status).toBe(401);
		expect(String((refused.body as { error: string }).error)).toContain(reason);
		expect(refused.resumed).toBeUndefined();
		const last = await waitFor(waiting, completed('c'));
		expect(last.resumed?.items[2].json.outputs).toEqual({ topic: 'c' });
	});

	test('a call signed over the raw body is accepted too', async () => {
		const { waiting } = await startWaiting();
		await waitFor(waiting, completed('a'));
		await waitFor(waiting, completed('b'));
		const raw = call(
			'execution.completed',
			{ execution_id: 'ex-c', agent_id: 'agent-1', status: 'completed', outputs: { topic: ['c'] } },
			{ raw: true },
		);
		expect((await waitFor(waiting, raw)).resumed?.items).toHaveLength(3);
	});

	test('Simplify off: one status read per run, when its completion arrives, for the full record', async () => {
		const { waiting } = await startWaiting({ simplify: false });
		const reads = topics.map((topic) =>
			nock(API).get(`/executions/ex-${topic}`).once().reply(200, fullRecord(topic)),
		);
		await waitFor(waiting, completed('a'));
		expect(reads[0].isDone()).toBe(true);
		expect(reads[1].isDone()).toBe(false);
		await waitFor(waiting, completed('b'));
		const last = await waitFor(waiting, completed('c'));
		expect(last.resumed?.items[1]).toEqual({
			json: {
				execution_id: 'ex-b',
				status: 'COMPLETED',
				started_at: '2026-01-01T00:00:00+00:00',
				completed_at: '2026-01-01T00:00:01+00:00',
				outputs: { topic: ['b'] },
				error: null,
				agent_id: 'agent-1',
			},
			pairedItem: { item: 1 },
		});
	});
});

describe('a run that fails', () => {
	test('without Continue On Fail it ends the wait at once and fails the node as Poll mode does', async () => {
		const { waiting } = await startWaiting();
		await waitFor(waiting, completed('a'));
		const answer = await waitFor(waiting, failed('b'));
		expect(answer.status).toBe(200);
		expect(answer.resumed?.error).toMatchObject({
			message: `Execution ex-b of agent agent-1 failed: no luck with b. ${FAILED_REMEDY}`,
			description: FAILED_REMEDY,
		});
		expect(answer.resumed?.run.data.resultData.error?.message).toBe(
			`Execution ex-b of agent agent-1 failed: no luck with b. ${FAILED_REMEDY}`,
		);
	});

	test('under Continue On Fail it becomes an error item as in Poll mode; the others carry outputs', async () => {
		const { waiting } = await startWaiting({}, {}, true);
		await waitFor(waiting, failed('b'));
		await waitFor(waiting, completed('c'));
		const last = await waitFor(waiting, completed('a'));
		expect(last.resumed?.error).toBeUndefined();
		expect(last.resumed?.items.map((item) => [item.pairedItem, item.json])).toEqual([
			[{ item: 0 }, expect.objectContaining({ status: 'completed', outputs: { topic: 'a' } })],
			[
				{ item: 1 },
				{
					execution_id: 'ex-b',
					agent_id: 'agent-1',
					status: 'failed',
					platform_error: 'no luck with b',
					error: `Execution ex-b of agent agent-1 failed: no luck with b. ${FAILED_REMEDY}`,
					description: FAILED_REMEDY,
				},
			],
			[{ item: 2 }, expect.objectContaining({ status: 'completed', outputs: { topic: 'c' } })],
		]);
	});
});

describe('runs started long before the wait began', () => {
	// n8n refuses calls while the node is still starting runs (409), and the platform tries a call
	// again for 35 s only: a run started earlier than that may have called for nothing.
	let restoreClock = () => {};
	afterEach(() => restoreClock());

	/** c's start answers 40 s after a's and b's (a slow start under the execute limit). */
	function slowStarts() {
		for (const topic of topics) {
			nock(API)
				.post('/executions/agents/agent-1/execute', (body) => body.inputs.topic === topic)
				.reply(200, async () => {
					if (topic === 'c') {
						// a and b have their answers by now
						await sleep(300);
						const realNow = Date.now.bind(Date);
						const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 40_000);
						restoreClock = () => clock.mockRestore();
					}
					return { execution_id: `ex-${topic}`, status: 'queued' };
				});
		}
	}
	const read = (topic: string, status: string, extra: Record<string, unknown> = {}) =>
		nock(API)
			.get(`/executions/ex-${topic}`)
			.once()
			.reply(200, { execution_id: `ex-${topic}`, status, ...extra });

	test('are read once before waiting; what ended is kept, the rest is waited for', async () => {
		slowStarts();
		read('a', 'COMPLETED', { outputs: { topic: ['a'] } });
		read('b', 'FAILED', { error: 'boom' });
		const waited = await runAutoGpt({
			credentials: oauth(),
			parameters: parameters(),
			inputItems: items,
			continueOnFail: true,
		});
		restoreClock();
		expect(nock.pendingMocks()).toEqual([]); // a and b read, c (started just now) not
		const last = await waitFor(new WaitingExecution(waited), completed('c'));
		expect(last.resumed?.items.map((item) => [item.json.status, item.json.error])).toEqual([
			['completed', undefined],
			['failed', `Execution ex-b of agent agent-1 failed: boom. ${FAILED_REMEDY}`],
			['completed', undefined],
		]);
	});

	test('without Continue On Fail a run found failed fails the node before it waits', async () => {
		slowStarts();
		read('a', 'RUNNING');
		read('b', 'FAILED', { error: 'boom' });
		const result = await runAutoGpt({
			credentials: oauth(),
			parameters: parameters(),
			inputItems: items,
		});
		expect(result.run.waitTill).toBeUndefined();
		expect(result.error?.message).toBe(
			`Execution ex-b of agent agent-1 failed: boom. ${FAILED_REMEDY}`,
		);
	});
});

describe('n8n restarted while waiting', () => {
	test('the first call after it reads each run it has not heard of once, and the wait goes on', async () => {
		const { waiting } = await startWaiting();
		await waitFor(waiting, completed('a')); // accepted, then forgotten with the process
		forgetAllWaits();
		const readA = nock(API)
			.get('/executions/ex-a')
			.once()
			.reply(200, {
				execution_id: 'ex-a',
				status: 'COMPLETED',
				outputs: { topic: ['a'] },
			});
		const readB = nock(API).get('/executions/ex-b').once().reply(200, {
			execution_id: 'ex-b',
			status: 'RUNNING',
		});
		const afterRestart = await waitFor(waiting, completed('c'));
		expect(afterRestart.resumed).toBeUndefined();
		expect(readA.isDone() && readB.isDone()).toBe(true);
		const last = await waitFor(waiting, completed('b'));
		expect(last.resumed?.items.map((item) => item.json.outputs)).toEqual([
			{ topic: 'a' },
			{ topic: 'b' },
			{ topic: 'c' },
		]);
	});
	test('a run whose read failed after it is read again when its completion arrives (Simplify off)', async () => {
		const { waiting } = await startWaiting({ simplify: false });
		nock(API).get('/executions/ex-a').once().reply(200, fullRecord('a'));
		await waitFor(waiting, completed('a'));
		forgetAllWaits();
		nock(API).get('/executions/ex-a').once().reply(200, fullRecord('a'));
		nock(API).get('/executions/ex-b').once().reply(404, { detail: 'Not found' });
		nock(API).get('/executions/ex-c').once().reply(200, fullRecord('c'));
		await waitFor(waiting, completed('c'));
		const readBAgain = nock(API).get('/executions/ex-b').once().reply(200, fullRecord('b'));
		const last = await waitFor(waiting, completed('b'));
		expect(readBAgain.isDone()).toBe(true);
		expect(last.resumed?.items[1]).toMatchObject({
			json: { ...fullRecord('b'), agent_id: 'agent-1' },
			pairedItem: { item: 1 },
		});
	});
});

describe('the Timeout', () => {
	test('one read per run not called back, then Poll mode’s timeout error', async () => {
		const { waiting } = await startWaiting({}, { timeout: 1 });
		// The node calls its own resume URL at the Timeout; here that reaches the waiting execution.
		let resumed: Awaited<ReturnType<WaitingExecution['call']>>['resumed'];
		const notice = nock('http://localhost:5678')
			.post(`/webhook-waiting/${waiting.executionId}`)
			.reply(async function (_uri, body) {
				const answer = await waiting.call(
					JSON.stringify(body),
					this.req.headers as Record<string, string>,
				);
				resumed = answer.resumed;
				return [answer.status, answer.body as Record<string, unknown>];
			});
		await waitFor(waiting, completed('a'));
		const reads = [
			nock(API)
				.get('/executions/ex-b')
				.once()
				.reply(200, { execution_id: 'ex-b', status: 'RUNNING' }),
			nock(API)
				.get('/executions/ex-c')
				.once()
				.reply(200, { execution_id: 'ex-c', status: 'COMPLETED', outputs: { topic: ['c'] } }),
		];
		const deadline = Date.now() + 10_000;
		while (!resumed && Date.now() < deadline) await sleep(50);
		expect(notice.isDone()).toBe(true);
		expect(reads.every((read) => read.isDone())).toBe(true);
		expect(resumed?.error).toMatchObject({
			message:
				'Execution ex-b did not finish within 1 seconds (last status: RUNNING). Raise Timeout in the options, or continue later with Execution → Wait and this execution ID; the agent goes on running in AutoGPT.',
		});
	});

	test('with no process left to read the runs, n8n fails the node when the wait time is up', async () => {
		const { waiting } = await startWaiting();
		forgetAllWaits();
		const ended = await waiting.resumeAtWaitTill();
		expect(ended.error?.message).toMatch(/Stopped waiting for AutoGPT after the Timeout/);
		expect(ended.error?.description).toMatch(/ex-a, ex-b, ex-c/);
	});

	test('a completion resumes the node without the error kept for the Timeout', async () => {
		const { waiting } = await startWaiting();
		await waitFor(waiting, completed('a'));
		await waitFor(waiting, completed('b'));
		const last = await waitFor(waiting, completed('c'));
		const stack = last.resumed?.run.data.executionData?.nodeExecutionStack ?? [];
		expect(stack).toEqual([]);
		expect(last.resumed?.run.data.resultData.error).toBeUndefined();
	});
});

describe('a Timeout notice that is not the node’s own', () => {
	/** The notice the node sends its resume URL at a Timeout, signed as it signs it. */
	function notice(
		waitId: string,
		how: { secret?: string; timestamp?: string; headerTimestamp?: string; body?: string } = {},
	) {
		const timestamp = how.timestamp ?? isoNow();
		const body = how.body ?? JSON.stringify({ notice: 'timeout', wait: waitId, timestamp });
		return {
			body,
			headers: {
				'content-type': 'application/json',
				'x-autogpt-wait-notice': 'timeout',
				'x-webhook-signature': sign(body, how.secret),
				'x-webhook-timestamp': how.headerTimestamp ?? timestamp,
			},
		};
	}

	const planOf = (waited: Awaited<ReturnType<typeof startWaiting>>['waited']) =>
		(waited.run.data.executionData?.contextData['node:AutoGPT'] as Record<string, WaitPlan>)[
			WAIT_PLAN_KEY
		];

	test('is refused with why and ends nothing; the node’s own is taken once, its copy refused', async () => {
		const { waiting, waited } = await startWaiting();
		const { id } = planOf(waited);
		const refusals = [
			[notice(id, { secret: 'whsec_not_the_secret' }), 'signature does not match'],
			[notice(id, { body: 'timeout please' }), 'body is not JSON'],
			[notice('another-wait'), 'not a notice of this wait'],
			[
				notice(id, { body: JSON.stringify({ notice: 'done', wait: id, timestamp: isoNow() }) }),
				'not a notice of this wait',
			],
			[notice(id, { timestamp: isoNow(-600) }), 'timestamp is outside the tolerance window'],
			[notice(id, { headerTimestamp: isoNow(-600) }), 'timestamp is outside the tolerance window'],
		] as const;
		for (const [call, reason] of refusals) {
			const answer = await waitFor(waiting, call);
			expect({ status: answer.status, body: answer.body, resumed: answer.resumed }).toEqual({
				status: 401,
				body: { error: reason },
				resumed: undefined,
			});
		}

		// with the credential's Webhook Secret emptied while the execution waited, nothing verifies
		const helper = waited.additionalData.credentialsHelper as TestCredentialsHelper;
		helper.credentials.autoGptOAuth2Api.webhookSecret = '';
		expect(await waitFor(waiting, notice(id, { secret: '' }))).toMatchObject({
			status: 401,
			body: { error: 'no signing secret' },
		});
		helper.credentials.autoGptOAuth2Api.webhookSecret = SECRET;

		// the node's own is taken (before the Timeout it has no run to read yet)
		const own = notice(id);
		expect(await waitFor(waiting, own)).toMatchObject({ status: 200, body: { received: true } });
		// and a copy of it is a replay
		expect(await waitFor(waiting, own)).toMatchObject({
			status: 401,
			body: { error: 'replayed notice' },
		});
	});
});
