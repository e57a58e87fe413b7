// What the trigger remembers of the deliveries it accepted (contract §6: a second delivery of the
// same signed body inside the window is a replay), and where n8n lets it keep that.
//
// In the process: one memory for every trigger, keyed by replay key (a digest of the secret and
// the payload), so a delivery one trigger accepted is a replay at every trigger verifying with
// the same secret: in Manual registration every trigger on a credential shares the OAuth client's
// webhook secret. n8n builds a new node instance and context for every webhook call, so the memory
// lives in this module; check and record are one synchronous step.
//
// Across restarts: n8n keeps a workflow's static data. n8n 2.40 loads it for every production
// webhook call and saves it after the call when the call changed it (webhooks/live-webhooks.js),
// so each trigger writes the replay keys it accepted, with their expiries, into its node's static
// data (nothing else: the keys name no secret and no payload). Every call merges what is saved,
// and n8n's start-up activation calls checkExists for every active trigger, which loads the saved
// keys into the process memory: after a restart, copies are refused at every trigger again.
//
// A call saves its own key, and the keys of calls n8n answered 2xx, never the key of a call still
// under way: that call's run may yet fail (n8n answers 5xx and saves nothing of it), and a key
// saved by its neighbour would refuse the platform's next attempt as a replay for the whole
// window, in every process: the delivery would be lost. A key answered 2xx is added to the state
// of the calls still under way, which n8n saves after them.
import { DEFAULT_TOLERANCE_SECONDS } from './verification/timestampWindow';
import { ReplayGuard, type ReplayMemory } from './verification/replayGuard';

/** The field of a trigger node's static data that holds its accepted deliveries. */
export const SAVED_FIELD = 'acceptedDeliveries';

/** Per trigger, saved in its static data: a few hundred bytes a delivery would exceed 100 KB. */
export const MAX_SAVED = 2_000;

/** For every trigger in the process together: about 10 MB at most. */
const MAX_IN_PROCESS = 100_000;

/** A trigger as a webhook call or an activation sees it. */
export interface TriggerScope {
	/** `${workflowId}:${nodeId}` */
	id: string;
	/** The node's static data (n8n saves it when it changes). */
	state: Record<string, unknown>;
	toleranceSeconds: number;
}

const everyTrigger = new ReplayGuard(MAX_IN_PROCESS);
/** What each trigger saved or accepted, to write back whole (two calls may have loaded one copy). */
const savedByTrigger = new Map<string, ReplayGuard>();
let longestToleranceMs = DEFAULT_TOLERANCE_SECONDS * 1000;
/** n8n's answer to a call: its HTTP status once n8n has written it, undefined while it has not. */
export type AnswerOf = () => number | undefined;
/**
 * Calls whose connection closed before n8n answered, by key: n8n's answer, read when a copy comes,
 * until the key's expiry. Each holds n8n's response object, so they are few and leave in time.
 */
const abandoned = new Map<string, { answer: AnswerOf; untilMs: number }>();
const MAX_ABANDONED = 1_000;
/** Keys accepted by calls n8n has not answered yet: the call's trigger, state and saved expiry. */
const unanswered = new Map<
	string,
	{ triggerId: string; state: Record<string, unknown>; untilSeconds: number }
>();

function savedGuard(id: string): ReplayGuard {
	let guard = savedByTrigger.get(id);
	if (!guard) {
		guard = new ReplayGuard(MAX_SAVED);
		savedByTrigger.set(id, guard);
	}
	return guard;
}

/** Saved entries: replay key → the last second a copy passes the window. */
function readSaved(state: Record<string, unknown>): Array<[string, number]> {
	const saved = state[SAVED_FIELD];
	if (typeof saved !== 'object' || saved === null) return [];
	return Object.entries(saved).filter(
		(entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
	);
}

function load(trigger: TriggerScope, nowMs: number): ReplayGuard {
	// A trigger with a longer tolerance admits copies for longer: every key is remembered as long
	// as the most tolerant trigger seen in this process admits its copies.
	longestToleranceMs = Math.max(longestToleranceMs, trigger.toleranceSeconds * 1000);
	const saved = savedGuard(trigger.id);
	for (const [key, seconds] of readSaved(trigger.state)) {
		everyTrigger.remember(key, seconds * 1000, nowMs);
		saved.remember(key, seconds * 1000, nowMs);
	}
	return saved;
}

/** n8n's activation of a trigger, at start-up too: what it saved joins the process memory. */
export function restoreReplayMemory(trigger: TriggerScope, nowMs: number): void {
	load(trigger, nowMs);
}

/** The replay memory of one webhook call to `trigger`; an accepted delivery is saved in its state. */
export function replayMemoryFor(trigger: TriggerScope): ReplayMemory {
	return {
		isReplay(key, nowMs, lastCopyAtMs) {
			const saved = load(trigger, nowMs);
			const rememberUntilMs =
				lastCopyAtMs + Math.max(0, longestToleranceMs - trigger.toleranceSeconds * 1000);
			resolveAbandoned(trigger, key);
			if (everyTrigger.isReplay(key, nowMs, rememberUntilMs)) return true;
			saved.remember(key, rememberUntilMs, nowMs);
			const untilSeconds = Math.ceil(rememberUntilMs / 1000);
			unanswered.set(key, { triggerId: trigger.id, state: trigger.state, untilSeconds });
			trigger.state[SAVED_FIELD] = Object.fromEntries(
				saved
					.entries(nowMs)
					.filter(([entry]) => entry === key || !unanswered.has(entry))
					.map(([entry, ms]) => [entry, Math.ceil(ms / 1000)]),
			);
			return false;
		},
	};
}

function forgetKey(trigger: TriggerScope, key: string): void {
	everyTrigger.forget(key);
	savedByTrigger.get(trigger.id)?.forget(key);
	const state = trigger.state[SAVED_FIELD];
	// n8n 2.40 saves no static data of a call whose run did not start (webhooks/live-webhooks.js), and
	// a saved key is one n8n answered 2xx: the key is never in a state that is saved after this.
	// Kept for an n8n that saves static data either way.
	// Stryker disable next-line ConditionalExpression: unobservable in n8n 2.40, see above
	if (typeof state === 'object' && state !== null) delete (state as Record<string, unknown>)[key];
}

function startedRun(status: number | undefined): boolean {
	return status !== undefined && status >= 200 && status <= 299;
}

/**
 * The call that accepted `key` has ended: its connection closed, after n8n's answer or before it.
 * - Answered, not 2xx: n8n did not start the run and saved nothing of the call; the delivery is
 *   forgotten, so the platform's next attempt passes.
 * - Answered 2xx: the key joins the state of the calls still under way, so whichever of them n8n
 *   saves last keeps it.
 * - Not answered (the platform gave up waiting): whether n8n starts the run is known only once it
 *   answers, which it may do later or never (its queue unavailable). The key stays remembered, and
 *   a copy is a replay only if n8n has answered 2xx by the time the copy arrives.
 */
export function callEnded(
	trigger: TriggerScope,
	key: string,
	answer: AnswerOf,
	nowMs: number,
): void {
	const accepted = unanswered.get(key);
	unanswered.delete(key);
	if (!accepted) return;
	const status = answer();
	if (status === undefined) {
		for (const [oldKey, entry] of abandoned) {
			if (entry.untilMs >= nowMs && abandoned.size < MAX_ABANDONED) break;
			abandoned.delete(oldKey);
		}
		abandoned.set(key, { answer, untilMs: accepted.untilSeconds * 1000 });
		return;
	}
	if (!startedRun(status)) {
		forgetKey(trigger, key);
		return;
	}
	for (const other of unanswered.values()) {
		if (other.triggerId !== trigger.id) continue;
		const state = other.state[SAVED_FIELD];
		// Stryker disable next-line ConditionalExpression,LogicalOperator: the call's isReplay wrote an object there; this only keeps a changed one from crashing
		if (typeof state === 'object' && state !== null) {
			(state as Record<string, number>)[key] = accepted.untilSeconds;
		}
	}
}

/** Before a copy of `key` is checked: forgets it if n8n has not answered its call 2xx by now. */
function resolveAbandoned(trigger: TriggerScope, key: string): void {
	const entry = abandoned.get(key);
	if (!entry) return;
	abandoned.delete(key);
	// n8n has not queued the run it was handed (no answer, or not 2xx): the copy takes its place.
	if (!startedRun(entry.answer())) forgetKey(trigger, key);
}
