/* eslint-disable @n8n/community-nodes/no-restricted-globals -- bench code runs in its own Node process against n8n, never inside n8n */
// Benchmark 3: what verifying one delivery costs, in process, against a bare HMAC of the same bytes.
// Deliveries are built and signed with the sandbox's code (the platform's side); the product's
// verifyDelivery and verifySignature check them.
import { createHmac, randomUUID } from 'crypto';

import { canonicalJson as productCanonicalJson } from '../../nodes/AutoGpt/trigger/verification/canonicalJson';
import { parseDelivery } from '../../nodes/AutoGpt/trigger/verification/payload';
import { ReplayGuard } from '../../nodes/AutoGpt/trigger/verification/replayGuard';
import { verifySignature } from '../../nodes/AutoGpt/trigger/verification/signature';
import { verifyDelivery } from '../../nodes/AutoGpt/trigger/verification/verifyDelivery';
import { canonicalJson, PyFloat, signatureHeader, wireJson } from '../sandbox/canonical';
import { pythonIsoformat } from '../sandbox/clock';
import { fmt, median, table } from './report';

export interface VerificationRow {
	size: string;
	bodyBytes: number;
	case: string;
	microseconds: number;
	vsHmac: number;
}

export interface VerificationResult {
	rows: VerificationRow[];
	overheadRaw1kb: number;
	overheadCanonical1kb: number;
	overheadRaw1mb: number;
	overheadCanonical1mb: number;
}

const SECRET = `whsec_${'b'.repeat(32)}`;

/** An execution.completed payload of about `bytes` on the wire: rows of mixed values, some non-ASCII. */
export function completedPayload(bytes: number, timestamp = pythonIsoformat(Date.now())) {
	const rows: unknown[] = [];
	const payload = {
		event: 'execution.completed',
		timestamp,
		data: {
			execution_id: randomUUID(),
			agent_id: '5b0c8a52-4c1e-4d52-9a0e-0e8f3d6c1a02',
			status: 'completed',
			outputs: { results: rows },
		},
	};
	const row = (index: number) => ({
		rank: index,
		title: `Result ${index}: naïve café prices — ${index % 7} items`,
		url: `https://example.com/articles/${index}`,
		score: new PyFloat(index / 7),
		tags: ['news', 'prices', index % 2 === 0 ? 'even' : 'odd'],
		snippet: 'The quick brown fox jumps over the lazy dog. '.repeat(2),
	});
	const rowBytes = Buffer.byteLength(wireJson(row(1000))) + 2;
	const base = Buffer.byteLength(wireJson(payload));
	const count = Math.max(1, Math.round((bytes - base) / rowBytes));
	for (let index = 0; index < count; index++) rows.push(row(index));
	return payload;
}

/** Runs `fn` in rounds of about `roundMs`; the median of the per-call means, in microseconds. */
function measure(fn: () => void, roundMs: number, rounds = 5): number {
	for (let index = 0; index < 3; index++) fn();
	const means: number[] = [];
	for (let round = 0; round < rounds; round++) {
		let calls = 0;
		const start = process.hrtime.bigint();
		let elapsed = 0;
		do {
			fn();
			calls++;
			elapsed = Number(process.hrtime.bigint() - start) / 1e3;
		} while (elapsed < roundMs * 1000);
		means.push(elapsed / calls);
	}
	return median(means);
}

export function runVerificationBench(): { result: VerificationResult; text: string } {
	const rows: VerificationRow[] = [];
	for (const [size, bytes, roundMs] of [
		['1 KB', 1024, 150],
		['1 MB', 1024 * 1024, 400],
	] as const) {
		const payload = completedPayload(bytes);
		const wire = Buffer.from(wireJson(payload));
		const canonical = canonicalJson(payload);
		const headers = {
			raw: signatureHeader(SECRET, wire),
			canonical: signatureHeader(SECRET, canonical),
		};
		const nowMs = Date.now();
		const deliver = (form: 'raw' | 'canonical') => () => {
			const verdict = verifyDelivery(
				{ rawBody: wire, signatureHeader: headers[form], timestampHeader: payload.timestamp },
				{ secret: SECRET, toleranceSeconds: 300, nowMs, replayGuard: new ReplayGuard() },
			);
			if (!verdict.accepted || verdict.signedForm !== form) {
				throw new Error(
					`verifyDelivery refused a ${form}-signed ${size} delivery: ${JSON.stringify(verdict)}`,
				);
			}
		};
		const cases: Array<[string, () => void]> = [
			[
				'bare createHmac over the body',
				() => void createHmac('sha256', SECRET).update(wire).digest(),
			],
			[
				'JSON.parse of the body (n8n parses every webhook body)',
				() => void JSON.parse(wire.toString('utf8')),
			],
			[
				'verifySignature, canonical form given (two MACs)',
				() => {
					if (
						!verifySignature({
							secret: SECRET,
							header: headers.canonical,
							rawBody: wire,
							canonicalBody: canonical,
						}).valid
					) {
						throw new Error('verifySignature refused');
					}
				},
			],
			[
				'canonical form: canonicalJson (mark numbers, JSON.parse, write)',
				() => void productCanonicalJson(wire.toString('utf8')),
			],
			[
				'payload schema: parseDelivery (zod)',
				(() => {
					const plain = JSON.parse(wire.toString('utf8')) as unknown;
					return () => {
						if (!parseDelivery(plain).ok) throw new Error('parseDelivery refused');
					};
				})(),
			],
			['verifyDelivery, raw-signed delivery', deliver('raw')],
			['verifyDelivery, canonical-signed delivery', deliver('canonical')],
		];
		let hmac = NaN;
		for (const [name, fn] of cases) {
			const microseconds = measure(fn, roundMs);
			if (Number.isNaN(hmac)) hmac = microseconds;
			rows.push({
				size,
				bodyBytes: wire.length,
				case: name,
				microseconds,
				vsHmac: microseconds / hmac,
			});
		}
	}
	const ratio = (size: string, name: string) =>
		rows.find((row) => row.size === size && row.case === name)!.vsHmac;
	const result: VerificationResult = {
		rows,
		overheadRaw1kb: ratio('1 KB', 'verifyDelivery, raw-signed delivery'),
		overheadCanonical1kb: ratio('1 KB', 'verifyDelivery, canonical-signed delivery'),
		overheadRaw1mb: ratio('1 MB', 'verifyDelivery, raw-signed delivery'),
		overheadCanonical1mb: ratio('1 MB', 'verifyDelivery, canonical-signed delivery'),
	};
	const text = table(
		'3. Verification cost per delivery (in process; median of 5 rounds)',
		['body', 'bytes', 'what', 'µs/delivery', '× HMAC'],
		rows.map((row) => [
			row.size,
			row.bodyBytes,
			row.case,
			fmt(row.microseconds, 1),
			fmt(row.vsHmac, 1),
		]),
	);
	return { result, text };
}
