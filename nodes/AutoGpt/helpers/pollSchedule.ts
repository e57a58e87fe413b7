// How long to wait before the next status check of a running execution. Checks start often and
// slow down in proportion to how long the run has taken, up to the user's Poll Interval: a result
// is noticed at most about a tenth of its run time late (or one Poll Interval for long runs), and a
// long run costs few requests.

export const FIRST_POLL_MS = 250;
const SHARE_OF_ELAPSED = 0.1;

export function nextPollDelayMs(elapsedMs: number, maxIntervalMs: number): number {
	const proportional = Math.max(FIRST_POLL_MS, Math.round(elapsedMs * SHARE_OF_ELAPSED));
	return Math.max(1, Math.min(proportional, maxIntervalMs));
}
