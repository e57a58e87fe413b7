// Wait Mode "Webhook", the pure part: what the node waits for, what each agent run came to, and
// when the wait is over. Every outcome here is the one Poll mode would give for the same run, so
// the two modes produce the same items.
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { simplifyExecution } from '../../helpers/simplify';
import type { ExecutionRecord } from '../../transport/schemas';
import { isReviewStatus, isSuccessStatus, isTerminalStatus } from '../../helpers/status';
import { errorItemJson, type ItemError } from '../itemError';
import { ExecutionStillRunning } from '../stillRunning';
import { AgentRunEnded } from '../waiting';

/** The key of the plan in the node's context (saved with the waiting execution). */
export const WAIT_PLAN_KEY = 'autoGptWebhookWait';

/** One agent run the node waits for, with the item's settings read when the node ran. */
export interface AwaitedRun {
	executionId: string;
	agentId: string;
	simplify: boolean;
	returnOnReview: boolean;
	timeoutSeconds: number;
	startedAtMs: number;
	/** The item's Timeout, counted from the moment its run was started (as in Poll mode). */
	deadlineMs: number;
}

/** One output item: decided when the node ran (an error item, a run not waited for), or awaited. */
export type PlanEntry =
	| { itemIndex: number; json: IDataObject }
	| { itemIndex: number; run: AwaitedRun };

export interface WaitPlan {
	/** This wait; the node may wait again later in the same n8n execution (in a loop). */
	id: string;
	continueOnFail: boolean;
	/** n8n's resume URL of the execution (the node calls it itself at a Timeout). */
	resumeUrl: string;
	entries: PlanEntry[];
}

export type Outcome = { json: IDataObject } | { error: ItemError };

/** A status read, or a call's data in the same shape. */
export type RunRecord = IDataObject & ExecutionRecord;

/** The awaited entries, by item index. */
export function awaitedRuns(plan: WaitPlan): Map<number, AwaitedRun> {
	const runs = new Map<number, AwaitedRun>();
	for (const entry of plan.entries) if ('run' in entry) runs.set(entry.itemIndex, entry.run);
	return runs;
}

export function runOfExecution(
	plan: WaitPlan,
	executionId: string,
): { itemIndex: number; run: AwaitedRun } | undefined {
	for (const entry of plan.entries) {
		if ('run' in entry && entry.run.executionId === executionId) return entry;
	}
	return undefined;
}

/** A plan read back from the node's context; anything else is not one. */
export function isWaitPlan(value: unknown): value is WaitPlan {
	if (typeof value !== 'object' || value === null) return false;
	const plan = value as Partial<WaitPlan>;
	return (
		typeof plan.id === 'string' &&
		typeof plan.continueOnFail === 'boolean' &&
		typeof plan.resumeUrl === 'string' &&
		Array.isArray(plan.entries) &&
		plan.entries.every(
			(entry) =>
				typeof entry === 'object' &&
				entry !== null &&
				typeof entry.itemIndex === 'number' &&
				(('json' in entry && typeof entry.json === 'object') ||
					('run' in entry &&
						typeof entry.run === 'object' &&
						typeof entry.run.executionId === 'string' &&
						typeof entry.run.deadlineMs === 'number')),
		)
	);
}

/**
 * What Poll mode makes of an execution record (a status read, or a callback's data): the item's
 * output when the run completed (or stopped for review and Return on Review is on), its error when
 * it failed or was terminated, undefined while it goes on.
 */
export function outcomeOfRecord(
	node: INode,
	record: RunRecord,
	run: AwaitedRun,
	itemIndex: number,
): Outcome | undefined {
	if (record.agent_id === undefined) record.agent_id = run.agentId;
	const finished = isTerminalStatus(record.status);
	if (finished && !isSuccessStatus(record.status)) {
		return { error: new AgentRunEnded(node, run.executionId, record, itemIndex, run.agentId) };
	}
	if (finished || (run.returnOnReview && isReviewStatus(record.status))) {
		return { json: run.simplify ? simplifyExecution(record) : record };
	}
	return undefined;
}

/** Poll mode's timeout error, with the status the last read found. */
export function timedOut(
	node: INode,
	run: AwaitedRun,
	itemIndex: number,
	lastStatus: string,
): Outcome {
	return {
		error: new ExecutionStillRunning(
			node,
			run.executionId,
			lastStatus,
			run.timeoutSeconds,
			itemIndex,
			run.agentId,
		),
	};
}

export type Verdict =
	| { kind: 'wait' }
	/** Without Continue On Fail the first failure stops the node, as in Poll mode. */
	| { kind: 'fail'; error: ItemError }
	| { kind: 'finish'; items: INodeExecutionData[] };

/**
 * Whether the wait is over. `failedFirst` lists item indexes in the order their failures became
 * known; without Continue On Fail the first of them is the node's error.
 */
export function decide(
	plan: WaitPlan,
	outcomes: Map<number, Outcome>,
	failedFirst: number[],
): Verdict {
	if (!plan.continueOnFail) {
		for (const itemIndex of failedFirst) {
			const outcome = outcomes.get(itemIndex);
			if (outcome && 'error' in outcome) return { kind: 'fail', error: outcome.error };
		}
	}
	const items: INodeExecutionData[] = [];
	for (const entry of plan.entries) {
		const pairedItem = { item: entry.itemIndex };
		if ('json' in entry) {
			items.push({ json: entry.json, pairedItem });
			continue;
		}
		const outcome = outcomes.get(entry.itemIndex);
		if (!outcome) return { kind: 'wait' };
		items.push({
			json: 'error' in outcome ? errorItemJson(outcome.error) : outcome.json,
			pairedItem,
		});
	}
	return { kind: 'finish', items };
}

/** The awaited runs without an outcome whose Timeout has come by `nowMs`. */
export function dueRuns(
	plan: WaitPlan,
	outcomes: Map<number, Outcome>,
	nowMs: number,
): Array<{ itemIndex: number; run: AwaitedRun }> {
	const due: Array<{ itemIndex: number; run: AwaitedRun }> = [];
	for (const [itemIndex, run] of awaitedRuns(plan)) {
		if (!outcomes.has(itemIndex) && run.deadlineMs <= nowMs) due.push({ itemIndex, run });
	}
	return due;
}

/** The earliest Timeout among the runs still awaited, if any. */
export function nextDeadline(plan: WaitPlan, outcomes: Map<number, Outcome>): number | undefined {
	let next: number | undefined;
	for (const [itemIndex, run] of awaitedRuns(plan)) {
		if (outcomes.has(itemIndex)) continue;
		next = next === undefined ? run.deadlineMs : Math.min(next, run.deadlineMs);
	}
	return next;
}

/** The latest Timeout of the plan: n8n resumes the execution on its own a little after it. */
export function lastDeadline(plan: WaitPlan): number {
	let last = 0;
	for (const run of awaitedRuns(plan).values()) last = Math.max(last, run.deadlineMs);
	return last;
}
