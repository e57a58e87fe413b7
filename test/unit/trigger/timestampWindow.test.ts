import {
	checkTimestamp,
	DEFAULT_TOLERANCE_SECONDS,
	parseIsoTimestamp,
} from '../../../nodes/AutoGpt/trigger/verification/timestampWindow';

const at = Date.UTC(2026, 10, 22, 20, 0, 0);

describe('parseIsoTimestamp', () => {
	it.each([
		['2026-11-22T20:00:00.123456+00:00', at + 123.456],
		['2026-11-22T20:00:00+00:00', at],
		['2026-11-22T20:00:00Z', at],
		['2026-11-22T20:00:00.5Z', at + 500],
		['2026-11-22 20:00:00.000001+00:00', at + 0.001],
		['2026-11-22T21:30:00+01:30', at],
		['2026-11-22T18:00:00-02:00', at],
		// a naive Python datetime (utcnow().isoformat()) is UTC
		['2026-11-22T20:00:00.123456', at + 123.456],
		['2024-02-29T00:00:00+00:00', Date.UTC(2024, 1, 29)],
		['2026-12-31T23:59:59.999999+00:00', Date.UTC(2026, 11, 31, 23, 59, 59) + 999.999],
		['2026-12-01T23:00:00Z', Date.UTC(2026, 11, 1, 23, 0, 0)],
		['2027-01-01T00:30:00+01:00', Date.UTC(2026, 11, 31, 23, 30, 0)],
		['2026-12-31T20:59:59-03:00', Date.UTC(2026, 11, 31, 23, 59, 59)],
		['2026-10-31T23:45:00+00:00', Date.UTC(2026, 9, 31, 23, 45, 0)],
		['2026-01-09T09:09:09+00:00', Date.UTC(2026, 0, 9, 9, 9, 9)],
		// Python writes an offset's seconds, and their fraction, when the zone has them
		['2026-11-22T20:00:15+00:00:15', at],
		['2026-11-22T20:00:15.5+00:00:15.500000', at],
		['2026-11-22T18:59:45-01:00:15', at],
	])('%s', (text, expected) => {
		expect(parseIsoTimestamp(text)).toBeCloseTo(expected, 6);
	});

	it.each([
		'',
		'yesterday',
		'1764000000',
		'2026-11-22',
		'2026-11-22T20:00',
		'2026-13-01T00:00:00Z',
		'2026-02-30T00:00:00Z',
		'2025-02-29T00:00:00Z',
		'2026-11-22T24:00:00Z',
		'2026-11-22T20:60:00Z',
		'2026-11-22T20:00:60Z',
		'2026-11-22T20:00:00+0000x',
		'2026-11-22T20:00:00+25:00',
		'2026-11-22T20:00:00.Z',
		'2026-12-32T23:00:00Z',
		'2026-00-10T23:00:00Z',
		'2026-12-00T23:00:00Z',
		'2026-12-31T23:59:59+23:60',
		'on 2026-11-22T20:00:00Z',
		'2026-11-22T20:00:00+00:00:1',
		'2026-11-22T20:00:00+00:00:15.',
		'2026-11-22T20:00:00+00:00:15.1234567',
	])('rejects %j', (text) => {
		const parsed = parseIsoTimestamp(text);
		expect(parsed === undefined || Number.isNaN(parsed)).toBe(true);
	});
});

describe('checkTimestamp', () => {
	const tolerance = DEFAULT_TOLERANCE_SECONDS;

	it('defaults to five minutes', () => {
		expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
	});

	it('accepts up to the tolerance either side', () => {
		expect(checkTimestamp('2026-11-22T20:05:00+00:00', at, tolerance)).toEqual({
			ok: true,
			epochMs: at + 300_000,
		});
		expect(checkTimestamp('2026-11-22T19:55:00+00:00', at, tolerance)).toEqual({
			ok: true,
			epochMs: at - 300_000,
		});
	});

	it('rejects beyond it', () => {
		expect(checkTimestamp('2026-11-22T20:05:00.001+00:00', at, tolerance)).toEqual({
			ok: false,
			reason: 'outside',
		});
		expect(checkTimestamp('2026-11-22T19:54:59.999+00:00', at, tolerance)).toEqual({
			ok: false,
			reason: 'outside',
		});
		expect(checkTimestamp('2026-11-22T20:00:31+00:00', at, 30)).toEqual({
			ok: false,
			reason: 'outside',
		});
	});

	it('works across midnight and the turn of the year', () => {
		const lastSecond = Date.UTC(2026, 11, 31, 23, 59, 59);
		expect(checkTimestamp('2027-01-01T00:04:59+00:00', lastSecond, tolerance)).toEqual({
			ok: true,
			epochMs: lastSecond + 300_000,
		});
		expect(checkTimestamp('2026-12-31T23:54:59+00:00', lastSecond, tolerance)).toEqual({
			ok: true,
			epochMs: lastSecond - 300_000,
		});
		expect(checkTimestamp('2027-01-01T00:05:00+00:00', lastSecond, tolerance)).toEqual({
			ok: false,
			reason: 'outside',
		});
	});

	it('names a missing or unreadable timestamp', () => {
		expect(checkTimestamp(undefined, at, tolerance)).toEqual({ ok: false, reason: 'missing' });
		expect(checkTimestamp(' ', at, tolerance)).toEqual({ ok: false, reason: 'missing' });
		expect(checkTimestamp('now', at, tolerance)).toEqual({ ok: false, reason: 'invalid' });
		expect(checkTimestamp('2026-11-22T20:00:00+24:00', at, tolerance)).toEqual({
			ok: false,
			reason: 'invalid',
		});
	});
});
