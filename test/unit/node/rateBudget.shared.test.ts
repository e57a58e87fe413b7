// The rate budget when several n8n processes share one platform user's limits (queue mode: each
// worker keeps its own budget; the platform counts them together). A discrete-event simulation on a
// virtual clock: every process runs the transport's loop (wait for the budget, send, settle on the
// answer, wait out a 429's Retry-After) against the sandbox's fixed windows (contract §8).
import { RateBudget } from '../../../nodes/AutoGpt/transport/rateBudget';

/** The sandbox's window (test/sandbox/rateLimit.ts): opens at its first request, `max` per `lengthMs`. */
class PlatformWindow {
	private startedAt = -Infinity;

	private count = 0;

	constructor(
		private readonly max: number,
		private readonly lengthMs: number,
	) {}

	take(now: number): {
		admitted: boolean;
		remaining: number;
		resetAtMs: number;
		retryAfterMs: number;
	} {
		if (now >= this.startedAt + this.lengthMs) {
			this.startedAt = now;
			this.count = 0;
		}
		const resetMs = this.startedAt + this.lengthMs;
		// Headers carry whole seconds, as the platform's do.
		const resetAtMs = Math.ceil(resetMs / 1000) * 1000;
		if (this.count >= this.max) {
			return {
				admitted: false,
				remaining: 0,
				resetAtMs,
				retryAfterMs: Math.max(1, Math.ceil((resetMs - now) / 1000)) * 1000,
			};
		}
		this.count++;
		return { admitted: true, remaining: this.max - this.count, resetAtMs, retryAfterMs: 0 };
	}
}

interface Outcome {
	admitted: number;
	refused: number;
	lastAdmittedAtMs: number;
}

/**
 * `processes` budgets, each with `perProcess` executes wanted at t = 0, all in flight at once as
 * n8n's item loop and a worker's parallel executions make them; one-way latency differs per process.
 */
function simulate(processes: number, perProcess: number, window: PlatformWindow): Outcome {
	type Event = { at: number; seq: number; run: () => void };
	const events: Event[] = [];
	let seq = 0;
	let now = 0;
	const at = (time: number, run: () => void) => {
		events.push({ at: time, seq: seq++, run });
		events.sort((a, b) => a.at - b.at || a.seq - b.seq);
	};
	const outcome: Outcome = { admitted: 0, refused: 0, lastAdmittedAtMs: 0 };
	for (let p = 0; p < processes; p++) {
		const budget = new RateBudget('execute');
		const oneWayMs = 7 + 5 * p;
		const attempt = () => {
			const delay = budget.delayMs(now);
			if (delay > 0) {
				at(now + delay, attempt);
				return;
			}
			budget.spend(now);
			at(now + oneWayMs, () => {
				const answer = window.take(now);
				if (answer.admitted) {
					outcome.admitted++;
					outcome.lastAdmittedAtMs = now;
				} else outcome.refused++;
				at(now + oneWayMs, () => {
					budget.settle(now, { remaining: answer.remaining, resetAtMs: answer.resetAtMs });
					if (!answer.admitted) {
						budget.block(now + answer.retryAfterMs);
						attempt();
					}
				});
			});
		};
		for (let r = 0; r < perProcess; r++) at(0, attempt);
	}
	while (events.length) {
		const next = events.shift()!;
		now = next.at;
		next.run();
	}
	return outcome;
}

describe('rate budget shared by several processes', () => {
	test('one process alone never earns a 429, and starts each window at once', () => {
		const outcome = simulate(1, 40, new PlatformWindow(10, 60_000));
		expect(outcome).toMatchObject({ admitted: 40, refused: 0 });
		// Windows open at 0, 60, 120 and 180 s, each up to a second late: the reset header is in whole
		// seconds.
		expect(outcome.lastAdmittedAtMs).toBeLessThan(184_000);
	});

	test('two workers sharing 10 executes a minute: at most one 429 per window, none wasted on a burst', () => {
		const outcome = simulate(2, 20, new PlatformWindow(10, 60_000));
		expect(outcome.admitted).toBe(40);
		// Four windows; in each the two processes can both take the last free place at most once.
		expect(outcome.refused).toBeLessThanOrEqual(4);
		expect(outcome.lastAdmittedAtMs).toBeLessThan(184_000);
	});

	test('four workers: at most three 429s per window', () => {
		const outcome = simulate(4, 10, new PlatformWindow(10, 60_000));
		expect(outcome.admitted).toBe(40);
		expect(outcome.refused).toBeLessThanOrEqual(4 * 3);
	});
});
