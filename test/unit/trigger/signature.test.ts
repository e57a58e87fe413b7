// Test code reads its fixtures; the community-node rules are for node code.
/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
import { createHmac } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';

import { canonicalJson } from '../../../nodes/AutoGpt/trigger/verification/canonicalJson';
import {
	computeChunkedSignature,
	computeSignature,
	macsEqual,
	parseSignatureHeader,
	signatureHeaderFor,
	verifySignature,
} from '../../../nodes/AutoGpt/trigger/verification/signature';

const vectors = JSON.parse(
	readFileSync(join(__dirname, 'fixtures', 'canonical-vectors.json'), 'utf8'),
) as {
	secret: string;
	cases: Array<{ name: string; wire: string; signatureRaw: string; signatureCanonical: string }>;
};

const secret = 'whsec_unit';
const body = '{"event": "grant.revoked", "timestamp": "2026-11-22T20:00:00+00:00", "data": {}}';
const canonical = canonicalJson(body)!;

describe('signature header', () => {
	it('is sha256= and the lower-case hex HMAC-SHA256', () => {
		const expected = createHmac('sha256', secret).update(body).digest('hex');
		expect(signatureHeaderFor(secret, body)).toBe(`sha256=${expected}`);
		expect(signatureHeaderFor(secret, Buffer.from(body))).toBe(`sha256=${expected}`);
	});

	it.each([
		[undefined, false],
		['', false],
		['sha256=', false],
		['sha1=' + 'a'.repeat(40), false],
		['SHA256=' + 'a'.repeat(64), false],
		['sha256=' + 'a'.repeat(63), false],
		['sha256=' + 'a'.repeat(65), false],
		['sha256=' + 'g'.repeat(64), false],
		['sha256=' + 'a'.repeat(64) + ',sha256=' + 'b'.repeat(64), false],
		['sha256=' + 'ab'.repeat(32), true],
		['sha256=' + 'AB'.repeat(32), true],
		[' sha256=' + 'ab'.repeat(32) + ' ', true],
	])('parseSignatureHeader(%j) parses: %p', (header, parses) => {
		expect(parseSignatureHeader(header) !== undefined).toBe(parses);
	});

	it('reads upper-case hex as the same MAC', () => {
		const lower = signatureHeaderFor(secret, body);
		const upper = 'sha256=' + lower.slice(7).toUpperCase();
		expect(parseSignatureHeader(upper)).toEqual(parseSignatureHeader(lower));
	});

	it('macsEqual refuses different lengths without throwing', () => {
		expect(macsEqual(Buffer.alloc(32), Buffer.alloc(31))).toBe(false);
		expect(macsEqual(Buffer.alloc(32, 1), Buffer.alloc(32, 1))).toBe(true);
		expect(macsEqual(Buffer.alloc(32, 1), Buffer.alloc(32, 2))).toBe(false);
	});
});

describe('verifySignature', () => {
	const rawBody = Buffer.from(body);

	it('accepts a MAC over the raw body', () => {
		expect(
			verifySignature({
				secret,
				header: signatureHeaderFor(secret, rawBody),
				rawBody,
				canonicalBody: canonical,
			}),
		).toEqual({ valid: true, form: 'raw' });
	});

	it('accepts a MAC over the canonical form', () => {
		expect(
			verifySignature({
				secret,
				header: signatureHeaderFor(secret, canonical),
				rawBody,
				canonicalBody: canonical,
			}),
		).toMatchObject({ valid: true, form: 'canonical' });
	});

	it('accepts nothing else', () => {
		const header = signatureHeaderFor(secret, canonical);
		expect(verifySignature({ secret, header, rawBody })).toEqual({
			valid: false,
			reason: 'mismatch',
		});
		expect(verifySignature({ secret: 'other', header, rawBody, canonicalBody: canonical })).toEqual(
			{ valid: false, reason: 'mismatch' },
		);
		expect(
			verifySignature({
				secret,
				header: signatureHeaderFor(secret, JSON.stringify(JSON.parse(body))),
				rawBody,
				canonicalBody: canonical,
			}),
		).toEqual({ valid: false, reason: 'mismatch' });
		const tampered = Buffer.from(body.replace('grant.revoked', 'grant.revokeD'));
		expect(
			verifySignature({
				secret,
				header: signatureHeaderFor(secret, rawBody),
				rawBody: tampered,
				canonicalBody: canonicalJson(tampered.toString())!,
			}),
		).toEqual({ valid: false, reason: 'mismatch' });
	});

	it('names a missing or malformed header', () => {
		expect(verifySignature({ secret, header: undefined, rawBody })).toEqual({
			valid: false,
			reason: 'missing',
		});
		expect(verifySignature({ secret, header: '  ', rawBody })).toEqual({
			valid: false,
			reason: 'missing',
		});
		expect(verifySignature({ secret, header: 'sha256=xyz', rawBody })).toEqual({
			valid: false,
			reason: 'malformed',
		});
	});

	it('never accepts with an empty secret', () => {
		const header = signatureHeaderFor('', rawBody);
		expect(verifySignature({ secret: '', header, rawBody })).toEqual({
			valid: false,
			reason: 'mismatch',
		});
	});

	describe('with the Python vectors', () => {
		it.each(vectors.cases.map((vector) => [vector.name, vector] as const))(
			'%s',
			(_name, vector) => {
				const raw = Buffer.from(vector.wire, 'utf8');
				const canonicalBody = canonicalJson(vector.wire)!;
				expect(signatureHeaderFor(vectors.secret, raw)).toBe(vector.signatureRaw);
				expect(signatureHeaderFor(vectors.secret, canonicalBody)).toBe(vector.signatureCanonical);
				expect(
					verifySignature({
						secret: vectors.secret,
						header: vector.signatureCanonical,
						rawBody: raw,
						canonicalBody,
					}),
				).toMatchObject({ valid: true });
				expect(
					verifySignature({
						secret: vectors.secret,
						header: vector.signatureRaw,
						rawBody: raw,
						canonicalBody,
					}),
				).toMatchObject({ valid: true });
			},
		);
	});

	it('hashes a canonical form written in chunks, and returns its MAC', () => {
		const chunked = (write: (chunk: string) => void) => {
			write(canonical.slice(0, 10));
			write(canonical.slice(10));
			return true;
		};
		const header = signatureHeaderFor(secret, canonical);
		const result = verifySignature({ secret, header, rawBody, canonicalBody: chunked });
		expect(result).toEqual({
			valid: true,
			form: 'canonical',
			mac: computeSignature(secret, canonical),
		});
		expect(computeChunkedSignature(secret, () => false)).toBeUndefined();
	});

	it('computeSignature is the 32-byte digest', () => {
		expect(computeSignature(secret, body)).toHaveLength(32);
	});
});
