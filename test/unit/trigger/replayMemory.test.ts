// The replay memory's bookkeeping of calls n8n has not answered, seen through what a webhook call
// decides (is this copy a replay?) and what it leaves in the trigger's static data for n8n to save.
// Each call gets its own static data, as n8n loads it for every production webhook call.
import { randomUUID } from 'crypto';

import {
	callEnded,
	replayMemoryFor,
	SAVED_FIELD,
	type TriggerScope,
} from '../../../nodes/AutoGpt/trigger/replayMemory';

const T0 = Date.UTC(2026, 11, 31, 23, 30, 0);
/** The last moment a copy of a delivery signed at T0 passes the timestamp window (300 s). */
const LAST_COPY = T0 + 300_000;

const notAnswered = () => undefined;
const answered = (status: number) => () => status;

/** One webhook call to `triggerId`, with the static data n8n loaded for it. */
function call(triggerId: string): TriggerScope {
	return { id: triggerId, state: {}, toleranceSeconds: 300 };
}

function accept(trigger: TriggerScope, key: string, nowMs: number): boolean {
	return !replayMemoryFor(trigger).isReplay(key, nowMs, LAST_COPY);
}

describe('deliveries whose sender gave up before n8n answered', () => {
	it('two of them, neither run started by n8n: the next attempt of each starts its run', () => {
		const trigger = `workflow:${randomUUID()}`;
		const [first, second] = [randomUUID(), randomUUID()];
		const firstCall = call(trigger);
		expect(accept(firstCall, first, T0)).toBe(true);
		callEnded(firstCall, first, notAnswered, T0 + 1_000);
		const secondCall = call(trigger);
		expect(accept(secondCall, second, T0 + 2_000)).toBe(true);
		callEnded(secondCall, second, notAnswered, T0 + 3_000);

		expect(accept(call(trigger), first, T0 + 4_000)).toBe(true);
		expect(accept(call(trigger), second, T0 + 5_000)).toBe(true);
	});

	it('past a thousand of them, the oldest is no longer followed: its copy is refused, the next one passes', () => {
		// The process keeps n8n's answer of at most 1,000 such calls (each holds a response object).
		// One trigger each: the count is for the whole process.
		const deliveries = Array.from({ length: 1_001 }, () => ({
			trigger: `workflow:${randomUUID()}`,
			key: randomUUID(),
		}));
		for (const { trigger, key } of deliveries) {
			const scope = call(trigger);
			expect(accept(scope, key, T0)).toBe(true);
			callEnded(scope, key, notAnswered, T0 + 1_000);
		}

		const [oldest, next] = deliveries;
		expect(accept(call(oldest.trigger), oldest.key, T0 + 2_000)).toBe(false);
		expect(accept(call(next.trigger), next.key, T0 + 2_000)).toBe(true);
	});
});

describe('what a call leaves in static data for n8n to save', () => {
	it('a delivery answered 2xx joins the state of the same trigger’s calls under way, not another trigger’s', () => {
		const [trigger, other] = [`workflow:${randomUUID()}`, `workflow:${randomUUID()}`];
		const [delivered, neighbour, elsewhere] = [randomUUID(), randomUUID(), randomUUID()];
		const neighbourCall = call(trigger);
		const otherTriggerCall = call(other);
		expect(accept(neighbourCall, neighbour, T0)).toBe(true);
		expect(accept(otherTriggerCall, elsewhere, T0)).toBe(true);

		const deliveredCall = call(trigger);
		expect(accept(deliveredCall, delivered, T0 + 1_000)).toBe(true);
		callEnded(deliveredCall, delivered, answered(200), T0 + 2_000);

		expect(Object.keys(deliveredCall.state[SAVED_FIELD] as object)).toEqual([delivered]);
		expect(Object.keys(neighbourCall.state[SAVED_FIELD] as object).sort()).toEqual(
			[neighbour, delivered].sort(),
		);
		expect(Object.keys(otherTriggerCall.state[SAVED_FIELD] as object)).toEqual([elsewhere]);
	});
});
