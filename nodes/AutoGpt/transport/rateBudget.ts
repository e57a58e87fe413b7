// The request budget of contract §8, learned from the platform's own answers.
//
// The platform says how many requests are left in its window (X-RateLimit-Remaining) and when the
// window resets (X-RateLimit-Reset, unix seconds). A budget keeps that count locally, spends one per
// request, and makes callers wait instead of earning 429s:
// - executions go out one at a time, each as soon as the answer to the one before has told the
//   budget what is left, until the count is spent, then wait for the reset (a run should start as
//   soon as the platform allows it). One at a time because the count may be shared: in n8n's queue
//   mode every worker keeps its own budget for the same platform user, and a budget that sent all it
//   believed was left at once would overrun the window by as much as the other workers spent
//   meanwhile; this way each process overruns it by one request at most. Executes are a handful a
//   minute, so going one at a time costs a round trip each;
// - reads (status polls above all) refill evenly over what is left of the window, with a small
//   burst, so that many pending executions share the budget instead of stalling the window.
// Until the first answer has told the budget, one request goes alone (a probe), so that many items
// starting together do not all learn the limit from a 429.
// It is pure: the clock is passed in, and it only answers how long to wait.

export type BudgetKind = 'execute' | 'read';

export interface RateLimitHeaders {
	remaining?: number;
	resetAtMs?: number;
}

const READ_BURST_SHARE = 0.25;
const PROBE_WAIT_MS = 20;

export class RateBudget {
	private remaining: number | undefined;

	private resetAtMs = 0;

	private blockedUntilMs = 0;

	private tokens = 0;

	private refillPerMs = 0;

	private lastRefillMs = 0;

	private inFlight = 0;

	/** The platform answered without rate-limit headers: nothing to learn, nothing to wait for. */
	private unlimited = false;

	constructor(private readonly kind: BudgetKind) {}

	/** Milliseconds to wait before the next request may be sent; 0 means send now and call `spend`. */
	delayMs(nowMs: number): number {
		if (nowMs < this.blockedUntilMs) return this.blockedUntilMs - nowMs;
		if (this.remaining === undefined)
			return this.inFlight > 0 && !this.unlimited ? PROBE_WAIT_MS : 0;
		if (nowMs >= this.resetAtMs) {
			this.forgetWindow();
			return 0;
		}
		if (this.remaining - this.inFlight <= 0) return this.resetAtMs - nowMs;
		if (this.kind === 'execute') return this.inFlight > 0 ? PROBE_WAIT_MS : 0;
		this.refill(nowMs);
		if (this.tokens >= 1) return 0;
		return Math.ceil((1 - this.tokens) / this.refillPerMs);
	}

	/**
	 * The gap between two requests that spends what is left of the window evenly until its reset,
	 * or 0 while the budget is unknown.
	 */
	evenSpacingMs(nowMs: number): number {
		if (this.remaining === undefined || nowMs >= this.resetAtMs) return 0;
		return (this.resetAtMs - nowMs) / Math.max(1, this.remaining - this.inFlight);
	}

	/** Time until the window resets, or 0 while the budget is unknown. */
	untilResetMs(nowMs: number): number {
		if (this.remaining === undefined) return 0;
		return Math.max(0, this.resetAtMs - nowMs);
	}

	spend(nowMs: number): void {
		this.inFlight++;
		// Stryker disable next-line ConditionalExpression,LogicalOperator: tokens are read only by a read budget with a known window
		if (this.kind === 'read' && this.remaining !== undefined) {
			this.refill(nowMs);
			this.tokens = Math.max(0, this.tokens - 1);
		}
	}

	/** Called with every answer (whatever its status) to a request that was counted by `spend`. */
	settle(nowMs: number, headers: RateLimitHeaders): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
		if (headers.remaining === undefined || headers.resetAtMs === undefined) {
			if (this.remaining === undefined) this.unlimited = true;
			return;
		}
		this.unlimited = false;
		const newWindow = headers.resetAtMs !== this.resetAtMs;
		// Answers can arrive out of order: within one window the smallest count is the truest.
		this.remaining =
			newWindow || this.remaining === undefined
				? headers.remaining
				: Math.min(this.remaining, headers.remaining);
		this.resetAtMs = headers.resetAtMs;
		const windowLeftMs = Math.max(1, this.resetAtMs - nowMs);
		this.refillPerMs = Math.max(this.remaining, 0) / windowLeftMs;
		if (newWindow) {
			this.tokens = Math.max(1, this.remaining * READ_BURST_SHARE);
			this.lastRefillMs = nowMs;
		}
	}

	/** A 429 told us when to come back: then the window is learned afresh. */
	block(untilMs: number): void {
		this.blockedUntilMs = Math.max(this.blockedUntilMs, untilMs);
		this.remaining = 0;
		this.resetAtMs = this.blockedUntilMs;
	}

	private refill(nowMs: number): void {
		const capacity = Math.max(1, (this.remaining ?? 0) * READ_BURST_SHARE);
		this.tokens = Math.min(capacity, this.tokens + (nowMs - this.lastRefillMs) * this.refillPerMs);
		this.lastRefillMs = nowMs;
	}

	private forgetWindow(): void {
		this.remaining = undefined;
		this.tokens = 0;
		this.refillPerMs = 0;
	}
}

/** A response header by its lower-case name, the way n8n hands response headers over. */
export function header(
	headers: Record<string, unknown> | undefined,
	name: string,
): string | undefined {
	if (!headers) return undefined;
	const value = headers[name];
	if (Array.isArray(value)) return value[0] === undefined ? undefined : String(value[0]);
	return value === undefined || value === null ? undefined : String(value);
}

export function readRateLimitHeaders(
	headers: Record<string, unknown> | undefined,
): RateLimitHeaders {
	const remaining = Number(header(headers, 'x-ratelimit-remaining'));
	const reset = Number(header(headers, 'x-ratelimit-reset'));
	return {
		remaining:
			Number.isFinite(remaining) && header(headers, 'x-ratelimit-remaining') !== undefined
				? remaining
				: undefined,
		resetAtMs:
			Number.isFinite(reset) && header(headers, 'x-ratelimit-reset') !== undefined
				? reset * 1000
				: undefined,
	};
}

/** How long Retry-After (seconds or an HTTP date) asks us to wait, or undefined without one. */
export function retryAfterHeaderMs(
	headers: Record<string, unknown> | undefined,
	nowMs: number,
): number | undefined {
	const retryAfter = header(headers, 'retry-after');
	if (retryAfter === undefined) return undefined;
	const seconds = Number(retryAfter);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(retryAfter);
	return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

/** How long a 429 asks us to wait: Retry-After, else until the reset. */
export function retryAfterMs(
	headers: Record<string, unknown> | undefined,
	nowMs: number,
): number | undefined {
	const told = retryAfterHeaderMs(headers, nowMs);
	if (told !== undefined) return told;
	const { resetAtMs } = readRateLimitHeaders(headers);
	return resetAtMs === undefined ? undefined : Math.max(0, resetAtMs - nowMs);
}
