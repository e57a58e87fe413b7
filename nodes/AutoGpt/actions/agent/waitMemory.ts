// Wait Mode "Webhook": what one n8n process remembers of the waits it serves, and the reminder it
// keeps for their Timeouts.
//
// A call to the resume URL that does not end the wait changes nothing n8n saves (n8n saves a
// waiting execution only when it resumes), so the outcomes of the calls before the last one live
// here, in the process. A process that finds no memory of a wait (n8n restarted, or another
// process started it) reads each run it has not heard of once instead.
import { sleep } from 'n8n-workflow';

import { nextDeadline, type Outcome, type WaitPlan } from './waitPlan';

export interface WaitState {
	plan: WaitPlan;
	outcomes: Map<number, Outcome>;
	/** Item indexes in the order their failures became known (the first stops the node). */
	failures: number[];
	/** The status each run was last read with, by item index. */
	lastStatus: Map<number, string>;
	/** Runs this process has read once: at most one read per run. */
	read: Set<number>;
	/** Reads under way; a call decides only once they are back. */
	work: Set<Promise<void>>;
	/** A call has ended the wait: later calls change nothing. */
	settled: boolean;
	reminder?: { stop: () => void };
}

const states = new Map<string, WaitState>();
/** Waits ended here lately, so that a late copy of a call does not start over. */
const settledAt = new Map<string, number>();
const SETTLED_MEMORY_MS = 15 * 60_000;

export function waitKey(n8nExecutionId: string, plan: WaitPlan): string {
	return `${n8nExecutionId}:${plan.id}`;
}

/** The state of a wait; `fresh` when this process had none (it then reads what it missed). */
export function stateOf(key: string, plan: WaitPlan): { state: WaitState; fresh: boolean } {
	const known = states.get(key);
	if (known) return { state: known, fresh: false };
	const state: WaitState = {
		plan,
		outcomes: new Map(),
		failures: [],
		lastStatus: new Map(),
		read: new Set(),
		work: new Set(),
		settled: settledAt.has(key),
	};
	if (!state.settled) states.set(key, state);
	return { state, fresh: !state.settled };
}

/** Records an outcome; a failure also joins the order of failures. */
export function record(state: WaitState, itemIndex: number, outcome: Outcome): void {
	if (state.outcomes.has(itemIndex)) return;
	state.outcomes.set(itemIndex, outcome);
	if ('error' in outcome) state.failures.push(itemIndex);
}

/** Runs `task` as work of the wait: a call that decides waits for it first. */
export function track(state: WaitState, task: Promise<void>): void {
	const tracked = task.finally(() => state.work.delete(tracked));
	state.work.add(tracked);
}

export async function workDone(state: WaitState): Promise<void> {
	while (state.work.size > 0) await Promise.all([...state.work]);
}

/** The wait is over: forget it, stop its reminder, and remember a while that it ended. */
export function settle(key: string, state: WaitState): void {
	state.settled = true;
	state.reminder?.stop();
	states.delete(key);
	const now = Date.now();
	for (const [old, at] of settledAt) if (at + SETTLED_MEMORY_MS < now) settledAt.delete(old);
	settledAt.set(key, now);
}

/** The reminder's timer wakes this often at most, so that it ends soon after the wait does. */
const TICK_MS = 2000;
const NOTICE_ATTEMPTS = 3;

/**
 * Keeps a reminder for the wait's Timeouts: at each one, `notify` calls the execution's resume URL
 * (the call then reads the runs due and ends the wait, or not). Nothing runs in between but one
 * timer. The reminder gives up after a few failed notices (the execution was stopped in n8n, or
 * n8n cannot reach its own URL), or when the call was served by another process, and the process
 * then forgets the wait; n8n resumes the execution on its own a little after the last Timeout.
 */
export function remind(key: string, state: WaitState, notify: () => Promise<boolean>): void {
	if (state.reminder || state.settled) return;
	let stopped = false;
	let wake = () => {};
	const stoppedSignal = new Promise<void>((resolve) => (wake = resolve));
	state.reminder = {
		stop: () => {
			stopped = true;
			wake();
		},
	};
	const pause = async (ms: number) =>
		await Promise.race([sleep(Math.min(ms, TICK_MS)), stoppedSignal]);

	void (async () => {
		let failedNotices = 0;
		let notified: number | undefined;
		while (!stopped) {
			const deadline = nextDeadline(state.plan, state.outcomes);
			if (deadline === undefined) break;
			const delay = deadline - Date.now();
			if (delay > 0) {
				await pause(delay);
				continue;
			}
			// Notified, and the run is still due here: another process served the call.
			if (notified === deadline) break;
			if (await notify()) {
				notified = deadline;
				failedNotices = 0;
				await workDone(state);
				continue;
			}
			if (++failedNotices >= NOTICE_ATTEMPTS) break;
			await pause(2000 * failedNotices);
		}
		state.reminder = undefined;
		// Given up (or served elsewhere): what is left here would only wait for n8n's own resume.
		if (!state.settled && states.get(key) === state) states.delete(key);
	})();
}

/** What a restart does to this memory (tests use it to play one). */
export function forgetAllWaits(): void {
	for (const state of states.values()) state.reminder?.stop();
	states.clear();
	settledAt.clear();
}
