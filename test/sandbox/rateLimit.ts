// Per-user rate limits of contract §8: fixed windows that open at a user's first request.
import type { RateLimits } from './config';
import { detail, HttpError } from './http';

export type RateClass = 'execute' | 'read' | 'oauth';

interface Window {
	startedAt: number;
	count: number;
}

interface Limit {
	name: string;
	max: number;
	lengthMs: number;
}

export interface RateVerdict {
	headers: Record<string, string>;
}

export class RateLimiter {
	private readonly windows = new Map<string, Window>();

	constructor(
		private readonly limits: () => RateLimits,
		private readonly nowMs: () => number,
	) {}

	reset(): void {
		this.windows.clear();
	}

	/**
	 * Counts one request of `rateClass` for `userKey`. Returns the headers to send, or throws the
	 * 429. A limit of 0 is unlimited; with no limit in force no headers are sent.
	 */
	take(rateClass: RateClass, userKey: string): Record<string, string> {
		const now = this.nowMs();
		const active = this.limitsFor(rateClass).filter((limit) => limit.max > 0);
		if (active.length === 0) return {};

		const states = active.map((limit) => {
			const key = `${userKey}|${rateClass}|${limit.name}`;
			let window = this.windows.get(key);
			if (!window || now >= window.startedAt + limit.lengthMs) {
				window = { startedAt: now, count: 0 };
				this.windows.set(key, window);
			}
			return { limit, window, resetMs: window.startedAt + limit.lengthMs };
		});

		const exhausted = states.filter(({ limit, window }) => window.count >= limit.max);
		if (exhausted.length > 0) {
			const resetMs = Math.max(...exhausted.map((state) => state.resetMs));
			const retryAfter = Math.max(1, Math.ceil((resetMs - now) / 1000));
			const names = exhausted.map(({ limit }) => `${limit.max} per ${limit.name}`).join(', ');
			throw detail(
				429,
				`Rate limit exceeded for ${rateClass} requests (${names}); retry in ${retryAfter} seconds`,
				{
					'retry-after': String(retryAfter),
					'x-ratelimit-remaining': '0',
					'x-ratelimit-reset': String(Math.ceil(resetMs / 1000)),
				},
			);
		}

		for (const state of states) state.window.count++;
		// The tightest window is the one a client has to respect.
		const tightest = states.reduce((best, state) =>
			state.limit.max - state.window.count < best.limit.max - best.window.count ? state : best,
		);
		return {
			'x-ratelimit-limit': String(tightest.limit.max),
			'x-ratelimit-remaining': String(tightest.limit.max - tightest.window.count),
			'x-ratelimit-reset': String(Math.ceil(tightest.resetMs / 1000)),
		};
	}

	private limitsFor(rateClass: RateClass): Limit[] {
		const limits = this.limits();
		const minute = 60_000;
		const hour = 3_600_000;
		if (rateClass === 'oauth')
			return [{ name: 'minute', max: limits.oauth.perMinute, lengthMs: minute }];
		const { perMinute, perHour } = limits[rateClass];
		return [
			{ name: 'minute', max: perMinute, lengthMs: minute },
			{ name: 'hour', max: perHour, lengthMs: hour },
		];
	}
}

export const isRateLimitError = (error: unknown): error is HttpError =>
	error instanceof HttpError && error.status === 429;
