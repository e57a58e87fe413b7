import { ReplayGuard } from '../../../nodes/AutoGpt/trigger/verification/replayGuard';
import { nestedDelivery } from '../../helpers/nestedDelivery';
import { signatureHeaderFor } from '../../../nodes/AutoGpt/trigger/verification/signature';
import { canonicalJson } from '../../../nodes/AutoGpt/trigger/verification/canonicalJson';
import {
	verifyDelivery,
	type DeliveryRequest,
} from '../../../nodes/AutoGpt/trigger/verification/verifyDelivery';

const secret = 'whsec_verify_unit';
// The last minutes of a year: a December date, an hour of 23, and a window that crosses midnight.
const nowMs = Date.UTC(2026, 11, 31, 23, 58, 30);
const isoNow = '2026-12-31T23:58:30.000000+00:00';
/** The time `seconds` from now, as Python's isoformat writes it. */
const at = (seconds: number) =>
	new Date(nowMs + seconds * 1000).toISOString().replace('Z', '000+00:00');

function body(overrides: Record<string, unknown> = {}): string {
	// the way Python's json.dumps writes it on the wire: spaces, not sorted, non-ASCII escaped
	return JSON.stringify({
		event: 'execution.completed',
		timestamp: isoNow,
		data: {
			execution_id: 'e1',
			agent_id: 'a1',
			status: 'completed',
			outputs: { text: ['Grüße'], n: [1.0] },
		},
		...overrides,
	})
		.replace(/":/g, '": ')
		.replace(/,"/g, ', "');
}

function request(
	text: string,
	form: 'raw' | 'canonical' = 'canonical',
	headers: Partial<DeliveryRequest> = {},
): DeliveryRequest {
	return {
		rawBody: Buffer.from(text),
		signatureHeader: signatureHeaderFor(secret, form === 'raw' ? text : canonicalJson(text)!),
		timestampHeader: isoNow,
		...headers,
	};
}

function settings(overrides: Partial<Parameters<typeof verifyDelivery>[1]> = {}) {
	return { secret, toleranceSeconds: 300, nowMs, replayGuard: new ReplayGuard(), ...overrides };
}

describe('verifyDelivery', () => {
	it('accepts the canonical form and the raw body', () => {
		expect(verifyDelivery(request(body()), settings())).toMatchObject({
			accepted: true,
			signedForm: 'canonical',
		});
		expect(verifyDelivery(request(body(), 'raw'), settings())).toMatchObject({
			accepted: true,
			signedForm: 'raw',
		});
	});

	it('returns the checked delivery', () => {
		const verdict = verifyDelivery(request(body()), settings());
		expect(verdict).toEqual({
			accepted: true,
			signedForm: 'canonical',
			replayKey: expect.any(String),
			delivery: {
				event: 'execution.completed',
				timestamp: isoNow,
				data: {
					execution_id: 'e1',
					agent_id: 'a1',
					status: 'completed',
					outputs: { text: ['Grüße'], n: [1] },
				},
			},
		});
	});

	it.each([
		['no secret configured', request(body()), { secret: '' }, 'the trigger has no signing secret'],
		[
			'no signature',
			request(body(), 'canonical', { signatureHeader: undefined }),
			{},
			'missing X-Webhook-Signature',
		],
		[
			'a malformed signature',
			request(body(), 'canonical', { signatureHeader: 'sha256=nothex' }),
			{},
			'X-Webhook-Signature is not sha256=<hex>',
		],
		[
			'a forged signature',
			request(body(), 'canonical', { signatureHeader: signatureHeaderFor('guess', body()) }),
			{},
			'signature does not match',
		],
		[
			'a tampered body',
			{ ...request(body()), rawBody: Buffer.from(body().replace('e1', 'e2')) },
			{},
			'signature does not match',
		],
		[
			'no header timestamp',
			request(body(), 'canonical', { timestampHeader: undefined }),
			{},
			'X-Webhook-Timestamp is missing',
		],
		[
			'a bad header timestamp',
			request(body(), 'canonical', { timestampHeader: 'soon' }),
			{},
			'X-Webhook-Timestamp is not an ISO 8601 date-time',
		],
		[
			'a stale header timestamp',
			request(body(), 'canonical', { timestampHeader: at(-360) }),
			{},
			'X-Webhook-Timestamp is outside the tolerance window',
		],
		[
			'a stale body timestamp',
			request(body({ timestamp: at(-360) })),
			{},
			'body timestamp is outside the tolerance window',
		],
		[
			'a future body timestamp',
			request(body({ timestamp: at(360) })),
			{},
			'body timestamp is outside the tolerance window',
		],
		[
			'a tolerance it exceeds',
			request(body({ timestamp: at(-60) })),
			{ toleranceSeconds: 30 },
			'body timestamp is outside the tolerance window',
		],
	])('refuses %s with 401', (_name, deliveryRequest, overrides, reason) => {
		expect(verifyDelivery(deliveryRequest, settings(overrides))).toEqual({
			accepted: false,
			status: 401,
			reason,
		});
	});

	it.each([
		['a signed body that is not JSON', 'not json', 'body is not JSON'],
		['a signed body that is not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'body is not JSON'],
		[
			'an unknown event',
			body({ event: 'execution.paused' }),
			'malformed payload: event: unknown or missing',
		],
		[
			'a missing field',
			body({ data: { execution_id: 'e1', agent_id: 'a1', status: 'completed' } }),
			'malformed payload: data.outputs: Required',
		],
	])('refuses %s with 400', (_name, raw, reason) => {
		const rawBody = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
		const deliveryRequest = {
			rawBody,
			signatureHeader: signatureHeaderFor(secret, rawBody),
			timestampHeader: isoNow,
		};
		expect(verifyDelivery(deliveryRequest, settings())).toEqual({
			accepted: false,
			status: 400,
			reason,
		});
	});

	it('refuses a MAC that matches the real one in all but its last byte', () => {
		const text = body();
		const genuine = signatureHeaderFor(secret, canonicalJson(text)!);
		const lastByte = genuine.slice(-2) === 'ff' ? '00' : 'ff';
		const forged = genuine.slice(0, -2) + lastByte;
		expect(verifyDelivery(request(text), settings())).toMatchObject({ accepted: true });
		expect(
			verifyDelivery(request(text, 'canonical', { signatureHeader: forged }), settings()),
		).toEqual({ accepted: false, status: 401, reason: 'signature does not match' });
	});

	it.each([
		['New Year', Date.UTC(2027, 0, 1, 0, 0, 0)],
		['a leap day at noon', Date.UTC(2028, 1, 29, 12, 0, 0)],
		['the last second of June', Date.UTC(2026, 5, 30, 23, 59, 59)],
		['a December night', Date.UTC(2026, 11, 24, 23, 30, 15)],
		['the last second of the year', Date.UTC(2026, 11, 31, 23, 59, 59)],
	])('accepts a fresh delivery on %s', (_when, when) => {
		const iso = new Date(when).toISOString().replace('Z', '123+00:00');
		const text = body({ timestamp: iso });
		const verdict = verifyDelivery(
			{ ...request(text), timestampHeader: iso },
			settings({ nowMs: when + 2000 }),
		);
		expect(verdict).toMatchObject({ accepted: true, delivery: { timestamp: iso } });
	});

	it('remembers a body signed ahead of this clock until its own time leaves the window', () => {
		// The sender's clock runs four minutes ahead: the copy arrives six minutes after the original,
		// still within five minutes of the signed time, so only the replay memory can refuse it.
		const text = body({ timestamp: at(240) });
		const s = settings();
		expect(verifyDelivery(request(text), s)).toMatchObject({ accepted: true });
		const later = { ...s, nowMs: nowMs + 360_000 };
		expect(verifyDelivery({ ...request(text), timestampHeader: at(360) }, later)).toEqual({
			accepted: false,
			status: 401,
			reason: 'replayed delivery',
		});
	});

	it('tells an unsigned sender nothing about the body', () => {
		const deliveryRequest = {
			rawBody: Buffer.from('not json'),
			signatureHeader: undefined,
			timestampHeader: isoNow,
		};
		expect(verifyDelivery(deliveryRequest, settings())).toMatchObject({ status: 401 });
	});

	it('refuses a second delivery of the same signed content, in either form', () => {
		const s = settings();
		expect(verifyDelivery(request(body()), s)).toMatchObject({ accepted: true });
		expect(verifyDelivery(request(body()), { ...s, nowMs: nowMs + 1000 })).toEqual({
			accepted: false,
			status: 401,
			reason: 'replayed delivery',
		});
		// the same payload signed in the other form is the same delivery
		expect(verifyDelivery(request(body(), 'raw'), s)).toMatchObject({
			reason: 'replayed delivery',
		});
		// canonical-signed: the same payload serialized differently is still the same signed content
		expect(verifyDelivery(request(canonicalJson(body())!), s)).toMatchObject({
			reason: 'replayed delivery',
		});
		// another payload is not a replay
		expect(
			verifyDelivery(
				request(
					body({
						data: { grant_id: 'g', credential_id: 'c', provider: 'p' },
						event: 'grant.revoked',
					}),
				),
				s,
			),
		).toMatchObject({ accepted: true });
	});

	it('remembers a delivery as long as the window admits a copy: at exactly timestamp + tolerance a copy is a replay, 1 ms later it is outside the window', () => {
		const s = settings();
		expect(verifyDelivery(request(body()), s)).toMatchObject({ accepted: true });
		// a replayer sends the same signed body with a fresh (unsigned) header timestamp
		const copyAt = (ms: number) =>
			verifyDelivery(
				{ ...request(body()), timestampHeader: new Date(ms).toISOString() },
				{ ...s, nowMs: ms },
			);
		const edge = nowMs + 300_000;
		expect(copyAt(edge - 1)).toEqual({ accepted: false, status: 401, reason: 'replayed delivery' });
		expect(copyAt(edge)).toEqual({ accepted: false, status: 401, reason: 'replayed delivery' });
		expect(copyAt(edge + 1)).toEqual({
			accepted: false,
			status: 401,
			reason: 'body timestamp is outside the tolerance window',
		});
	});

	it('remembers nothing it refused, so the platform can retry', () => {
		const s = settings();
		expect(
			verifyDelivery(request(body(), 'canonical', { timestampHeader: undefined }), s),
		).toMatchObject({ accepted: false });
		expect(verifyDelivery(request(body()), s)).toMatchObject({ accepted: true });
	});

	it('never puts the secret in a reason', () => {
		const cases = [
			request(body(), 'canonical', { signatureHeader: signatureHeaderFor(secret + 'x', body()) }),
			request(body(), 'canonical', { timestampHeader: secret }),
			request(body({ event: secret })),
		];
		for (const deliveryRequest of cases) {
			const verdict = verifyDelivery(deliveryRequest, settings());
			expect(verdict.accepted).toBe(false);
			expect(JSON.stringify(verdict)).not.toContain(secret);
		}
	});

	describe('deep bodies', () => {
		function signedAs(levels: number, form: 'raw' | 'canonical'): DeliveryRequest {
			const { wire, canonical } = nestedDelivery(levels, {
				timestamp: isoNow,
				executionId: 'e1',
				agentId: 'a1',
			});
			return {
				rawBody: Buffer.from(wire),
				signatureHeader: signatureHeaderFor(secret, form === 'raw' ? wire : canonical),
				timestampHeader: isoNow,
			};
		}

		it.each(['canonical', 'raw'] as const)(
			'accepts a %s-signed body as deep as Python writes (995 levels)',
			(form) => {
				expect(verifyDelivery(signedAs(995, form), settings())).toMatchObject({
					accepted: true,
					signedForm: form,
				});
			},
		);

		it.each([
			[1_001, 'canonical'],
			[1_001, 'raw'],
			[10_000, 'canonical'],
			[10_000, 'raw'],
		] as const)(
			'refuses a body of %d levels (%s-signed) with 400, without throwing',
			(levels, form) => {
				expect(verifyDelivery(signedAs(levels, form), settings())).toEqual({
					accepted: false,
					status: 400,
					reason: 'body is nested deeper than 1000 levels',
				});
			},
		);
	});
});
