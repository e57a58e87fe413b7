// The sandbox's clock: real time shifted by `clockOffsetSeconds`, and timestamps written the way
// Python's `datetime.isoformat()` writes an aware UTC datetime.

export class Clock {
	constructor(private readonly offsetSeconds: () => number) {}

	/** Milliseconds since the epoch, with a fraction (microseconds matter to isoformat). */
	nowMs(): number {
		return performance.timeOrigin + performance.now() + this.offsetSeconds() * 1000;
	}

	nowSeconds(): number {
		return Math.floor(this.nowMs() / 1000);
	}

	iso(ms: number = this.nowMs()): string {
		return pythonIsoformat(ms);
	}
}

/**
 * `2026-11-22T20:00:00.123456+00:00`; like Python, the fraction is left out when the microseconds
 * are zero.
 */
export function pythonIsoformat(ms: number): string {
	const wholeMs = Math.floor(ms);
	const micro = Math.floor((ms - Math.floor(ms / 1000) * 1000) * 1000);
	const base = new Date(wholeMs).toISOString().slice(0, 19);
	const fraction = micro === 0 ? '' : `.${String(micro).padStart(6, '0')}`;
	return `${base}${fraction}+00:00`;
}
