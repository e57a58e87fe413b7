/** Contract §6: a delivery more than 5 minutes from the receiver's clock is rejected. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

// Python's datetime.isoformat(): `2026-11-22T20:00:00.123456+00:00`; fraction and offset optional.
const ISO_PATTERN =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?$/;

/**
 * Milliseconds since the epoch, or undefined when the text is not an ISO 8601 date-time.
 * A time without an offset is read as UTC: the platform works in UTC, and Python writes no
 * offset for a naive `datetime.utcnow()`.
 */
export function parseIsoTimestamp(text: string): number | undefined {
	const match = ISO_PATTERN.exec(text.trim());
	if (!match) return undefined;
	const [, year, month, day, hour, minute, second, fraction, offset] = match;
	const parts = [year, month, day, hour, minute, second].map((part) => parseInt(part, 10));
	const [y, mo, d, h, mi, s] = parts;
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
	const base = Date.UTC(y, mo - 1, d, h, mi, s);
	// Date.UTC rolls 31 February over into March; such a date is not valid.
	if (new Date(base).getUTCDate() !== d) return undefined;
	const milliseconds = fraction ? Number(`0.${fraction}`) * 1000 : 0;
	return base + milliseconds - offsetMilliseconds(offset);
}

function offsetMilliseconds(offset: string | undefined): number {
	if (!offset || offset === 'Z' || offset === 'z') return 0;
	const sign = offset.startsWith('-') ? -1 : 1;
	const [hours, minutes, seconds] = offset.slice(1).split(':');
	if (parseInt(hours, 10) > 23 || parseInt(minutes, 10) > 59) return NaN;
	const total =
		parseInt(hours, 10) * 3600 + parseInt(minutes, 10) * 60 + (seconds ? Number(seconds) : 0);
	return sign * total * 1000;
}

export type TimestampCheck =
	| { ok: true; epochMs: number }
	| { ok: false; reason: 'missing' | 'invalid' | 'outside' };

/** Whether `text` lies within `toleranceSeconds` of `nowMs`, either side. */
export function checkTimestamp(
	text: string | undefined,
	nowMs: number,
	toleranceSeconds: number,
): TimestampCheck {
	if (text === undefined || text.trim() === '') return { ok: false, reason: 'missing' };
	const epochMs = parseIsoTimestamp(text);
	if (epochMs === undefined || Number.isNaN(epochMs)) return { ok: false, reason: 'invalid' };
	if (Math.abs(nowMs - epochMs) > toleranceSeconds * 1000) return { ok: false, reason: 'outside' };
	return { ok: true, epochMs };
}
