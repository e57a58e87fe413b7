// The pure parts of Wait Mode "Webhook": what a run comes to, when the wait is over, and the
// reminder for the Timeouts.
import type { INode } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import {
	forgetAllWaits,
	record,
	remind,
	settle,
	stateOf,
	waitKey,
} from '../../../nodes/AutoGpt/actions/agent/waitMemory';
import {
	type AwaitedRun,
	decide,
	dueRuns,
	isWaitPlan,
	nextDeadline,
	outcomeOfRecord,
	type Outcome,
	type WaitPlan,
} from '../../../nodes/AutoGpt/actions/agent/waitPlan';
import { AgentRunEnded } from '../../../nodes/AutoGpt/actions/waiting';

const node: INode = {
	id: 'n',
	name: 'AutoGPT',
	type: 'n8n-nodes-autogpt.autoGpt',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function run(executionId: string, extra: Partial<AwaitedRun> = {}): AwaitedRun {
	return {
		executionId,
		agentId: 'agent-1',
		simplify: true,
		returnOnReview: true,
		timeoutSeconds: 60,
		startedAtMs: 0,
		deadlineMs: 60_000,
		...extra,
	};
}

function plan(continueOnFail = false): WaitPlan {
	return {
		id: 'wait-1',
		continueOnFail,
		resumeUrl: 'http://n8n.test/webhook-waiting/1?signature=t',
		entries: [
			{ itemIndex: 0, run: run('ex-0', { deadlineMs: 5_000 }) },
			{ itemIndex: 1, json: { error: 'could not start' } },
			{ itemIndex: 2, run: run('ex-2', { deadlineMs: 9_000 }) },
		],
	};
}

const failure = (itemIndex: number): Outcome => ({
	error: new NodeOperationError(node, `item ${itemIndex} failed`, { itemIndex }),
});

describe('outcomeOfRecord: what Poll mode makes of a run', () => {
	test.each([
		['COMPLETED', true, 'output'],
		['completed', true, 'output'],
		['REVIEW', true, 'output'],
		['REVIEW', false, 'none'],
		['RUNNING', true, 'none'],
		['QUEUED', true, 'none'],
		['FAILED', true, 'error'],
		['TERMINATED', true, 'error'],
	])('%s (Return on Review %s): %s', (status, returnOnReview, expected) => {
		const outcome = outcomeOfRecord(
			node,
			{ execution_id: 'ex-0', status, outputs: { a: [1] } },
			run('ex-0', { returnOnReview }),
			0,
		);
		const kind = !outcome ? 'none' : 'error' in outcome ? 'error' : 'output';
		expect(kind).toBe(expected);
	});

	test('a terminated run says so, with the agent and the item', () => {
		const outcome = outcomeOfRecord(
			node,
			{ execution_id: 'ex-0', status: 'TERMINATED' },
			run('ex-0'),
			4,
		);
		expect(outcome && 'error' in outcome && outcome.error).toBeInstanceOf(AgentRunEnded);
		expect(outcome && 'error' in outcome && outcome.error.message).toBe(
			'Execution ex-0 of agent agent-1 was terminated. The run was stopped in AutoGPT before it completed: run the agent again if its outputs are still needed.',
		);
		expect(outcome && 'error' in outcome && outcome.error.context.itemIndex).toBe(4);
	});

	test('Simplify off keeps the record, with the agent added as Poll mode adds it', () => {
		const outcome = outcomeOfRecord(
			node,
			{ execution_id: 'ex-0', status: 'COMPLETED', outputs: { a: [1] }, error: null },
			run('ex-0', { simplify: false }),
			0,
		);
		expect(outcome).toEqual({
			json: {
				execution_id: 'ex-0',
				status: 'COMPLETED',
				outputs: { a: [1] },
				error: null,
				agent_id: 'agent-1',
			},
		});
	});
});

describe('decide: when the wait is over', () => {
	test('waits while a run has no outcome', () => {
		const outcomes = new Map<number, Outcome>([[0, { json: { ok: 0 } }]]);
		expect(decide(plan(), outcomes, [])).toEqual({ kind: 'wait' });
	});

	test('ends with every item in item order, paired, decided items included', () => {
		const outcomes = new Map<number, Outcome>([
			[2, { json: { ok: 2 } }],
			[0, { json: { ok: 0 } }],
		]);
		expect(decide(plan(), outcomes, [])).toEqual({
			kind: 'finish',
			items: [
				{ json: { ok: 0 }, pairedItem: { item: 0 } },
				{ json: { error: 'could not start' }, pairedItem: { item: 1 } },
				{ json: { ok: 2 }, pairedItem: { item: 2 } },
			],
		});
	});

	test('without Continue On Fail the first failure known stops it, other runs pending or not', () => {
		const outcomes = new Map<number, Outcome>([
			[2, failure(2)],
			[0, failure(0)],
		]);
		const verdict = decide(plan(), outcomes, [2, 0]);
		expect(verdict.kind === 'fail' && verdict.error.message).toBe('item 2 failed');
	});

	test('under Continue On Fail a failure is an error item and the wait goes on', () => {
		const outcomes = new Map<number, Outcome>([[0, failure(0)]]);
		expect(decide(plan(true), outcomes, [0])).toEqual({ kind: 'wait' });
		outcomes.set(2, { json: { ok: 2 } });
		const verdict = decide(plan(true), outcomes, [0]);
		expect(verdict.kind === 'finish' && verdict.items[0].json).toEqual({
			error: 'item 0 failed',
			description: undefined,
		});
	});
});

describe('Timeouts', () => {
	test('the next one is the earliest of the runs still awaited; due runs are those past theirs', () => {
		const outcomes = new Map<number, Outcome>();
		expect(nextDeadline(plan(), outcomes)).toBe(5_000);
		expect(dueRuns(plan(), outcomes, 6_000).map((due) => due.itemIndex)).toEqual([0]);
		outcomes.set(0, { json: {} });
		expect(nextDeadline(plan(), outcomes)).toBe(9_000);
		outcomes.set(2, { json: {} });
		expect(nextDeadline(plan(), outcomes)).toBeUndefined();
	});
});

test('isWaitPlan tells a saved plan from anything else', () => {
	expect(isWaitPlan(JSON.parse(JSON.stringify(plan())))).toBe(true);
	for (const value of [null, 'plan', {}, { ...plan(), entries: [{ itemIndex: 0 }] }]) {
		expect(isWaitPlan(value)).toBe(false);
	}
});

test('a saved plan with any field of the wrong kind is not one (n8n would resume on it)', () => {
	const saved = plan();
	const [first, kept] = saved.entries;
	const running = first as { itemIndex: number; run: AwaitedRun };
	const broken: Array<[string, unknown]> = [
		['id', { ...saved, id: 7 }],
		['continueOnFail', { ...saved, continueOnFail: 'no' }],
		['resumeUrl', { ...saved, resumeUrl: null }],
		['entries', { ...saved, entries: 'none' }],
		['a null entry', { ...saved, entries: [kept, null] }],
		['an entry that is text', { ...saved, entries: [kept, 'entry'] }],
		['itemIndex', { ...saved, entries: [kept, { ...running, itemIndex: '0' }] }],
		['json', { ...saved, entries: [{ itemIndex: 1, json: 'done' }] }],
		['run', { ...saved, entries: [kept, { itemIndex: 0, run: 'ex-0' }] }],
		[
			'executionId',
			{ ...saved, entries: [kept, { itemIndex: 0, run: { ...running.run, executionId: 1 } }] },
		],
		[
			'deadlineMs',
			{ ...saved, entries: [kept, { itemIndex: 0, run: { ...running.run, deadlineMs: '5000' } }] },
		],
	];
	expect(broken.filter(([, value]) => isWaitPlan(value)).map(([what]) => what)).toEqual([]);
	expect(isWaitPlan({ ...saved, entries: [] })).toBe(true);
});

describe('the reminder', () => {
	afterEach(() => forgetAllWaits());

	const soon = (ms: number): WaitPlan => ({
		...plan(),
		entries: [{ itemIndex: 0, run: run('ex-0', { deadlineMs: Date.now() + ms }) }],
	});

	test('calls once at the Timeout; the call’s outcome ends it', async () => {
		const waitPlan = soon(300);
		const key = waitKey('r1', waitPlan);
		const { state } = stateOf(key, waitPlan);
		const notices: number[] = [];
		const started = Date.now();
		await new Promise<void>((resolve) => {
			remind(key, state, async () => {
				notices.push(Date.now() - started);
				record(state, 0, { json: {} });
				resolve();
				return true;
			});
		});
		expect(notices).toHaveLength(1);
		expect(notices[0]).toBeGreaterThanOrEqual(250);
		await sleep(100);
		expect(state.reminder).toBeUndefined();
	});

	test('gives up after three notices that n8n did not take (n8n then ends the wait itself)', async () => {
		const waitPlan = soon(0);
		const key = waitKey('r2', waitPlan);
		const { state } = stateOf(key, waitPlan);
		let notices = 0;
		remind(key, state, async () => {
			notices++;
			return false;
		});
		const deadline = Date.now() + 15_000;
		while (state.reminder && Date.now() < deadline) {
			await sleep(50);
		}
		expect(state.reminder).toBeUndefined();
		expect(notices).toBe(3);
		// and the process forgets the wait: a later call would start afresh
		expect(stateOf(key, waitPlan).fresh).toBe(true);
	});

	test('stops when the wait ends first', async () => {
		const waitPlan = soon(60_000);
		const key = waitKey('r3', waitPlan);
		const { state } = stateOf(key, waitPlan);
		let notices = 0;
		remind(key, state, async () => {
			notices++;
			return true;
		});
		settle(key, state);
		await sleep(50);
		expect(state.reminder).toBeUndefined();
		expect(notices).toBe(0);
		// A late copy of a call finds the wait over, not a fresh one.
		expect(stateOf(key, waitPlan)).toMatchObject({ fresh: false, state: { settled: true } });
	});
});
