// The forged and broken deliveries of issue 7, each with the answer it must get from an active
// AutoGPT Trigger in real n8n and whether it may start a workflow. Bodies are written and signed with
// the sandbox's Python-exact JSON (test/sandbox/canonical.ts), never with the trigger's own code.
import { randomBytes, randomUUID } from 'crypto';

import { sleep } from '../e2e/processes';
import { nestedDelivery } from '../helpers/nestedDelivery';
import { PyFloat, signatureHeader, wireJson } from '../sandbox/canonical';
import {
	completedPayload,
	type Payload,
	pythonIso,
	signedDelivery,
	type WireDelivery,
} from './support';

export interface CorpusContext {
	/** The trigger's production URL. */
	url: string;
	/** The trigger's subscription secret. */
	secret: string;
	/** The secret of another trigger's subscription. */
	otherSecret: string;
	/** The OAuth client's webhook secret (what Manual registration would use). */
	clientSecret: string;
	/** n8n's body limit in bytes (N8N_PAYLOAD_SIZE_MAX). */
	payloadLimitBytes: number;
}

/**
 * Which trigger a case is sent to: the corpus target (Automatic registration, by default), or one
 * of two Manual-registration triggers on the OAuth2 credential, which both verify with the OAuth
 * client's webhook secret.
 */
export type Receiver = 'target' | 'manual' | 'otherManual';

export interface CorpusCase {
	name: string;
	/** Why this answer is the right one. */
	why: string;
	/** The answers that count as right (one, except where n8n itself answers). */
	expected: number[];
	/** Whether it must start exactly one workflow execution. */
	starts: boolean;
	/** The execution_id in the payload, when there is one, to find its execution. */
	executionId?: string;
	/** Built just before sending, so the timestamps are fresh. */
	build: () => WireDelivery;
	/** Waits before sending (the replay after the window). */
	before?: () => Promise<void>;
	/** Where it is sent; the target unless said. */
	to?: Receiver;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function executionIdOf(payload: Payload): string {
	return (payload.data as { execution_id: string }).execution_id;
}

function withHeader(delivery: WireDelivery, name: string, value: string | undefined): WireDelivery {
	const headers = { ...delivery.headers };
	if (value === undefined) delete headers[name];
	else headers[name] = value;
	return { body: delivery.body, headers };
}

/** A body signed as is (raw form), for bodies that are not a payload at all. */
function rawSigned(secret: string, body: string, contentType = 'application/json'): WireDelivery {
	return {
		body: Buffer.from(body, 'utf8'),
		headers: {
			'content-type': contentType,
			'user-agent': 'AutoGPT-Webhook/1.0',
			'x-webhook-timestamp': pythonIso(Date.now()),
			'x-webhook-signature': signatureHeader(secret, body),
		},
	};
}

/** A valid delivery nested `levels` deep (see nestedDelivery), signed in the given form. */
function deepDelivery(secret: string, levels: number, form: 'raw' | 'canonical') {
	const executionId = randomUUID();
	const { wire, canonical } = nestedDelivery(levels, {
		timestamp: pythonIso(Date.now()),
		executionId,
		agentId: '5b0c8a52-4c1e-4d52-9a0e-0e8f3d6c1a01',
	});
	return {
		executionId,
		/** Built when sent: the header timestamp is fresh. */
		delivery: () => {
			const delivery = rawSigned(secret, wire);
			if (form === 'raw') return delivery;
			return withHeader(delivery, 'x-webhook-signature', signatureHeader(secret, canonical));
		},
	};
}

/** Code points in an order where UTF-16 and code-point sorting disagree (U+FF71 < U+1F600). */
function nonAsciiPayload(): Payload {
	return completedPayload(Date.now(), {
		outputs: {
			résumé: ['naïve café ☕', '日本語のテキスト', 'emoji 😀 and clef 𝄞'],
			'😀': ['astral key'],
			ｱ: ['half-width katakana key'],
			'ascii "quotes" \\ and \t tab': ['control\u0001char'],
		},
	});
}

export function buildCorpus(context: CorpusContext): CorpusCase[] {
	const { secret } = context;
	const cases: CorpusCase[] = [];
	const add = (entry: CorpusCase) => cases.push(entry);

	// The delivery that is replayed later, and the one near the edge of the window.
	const original = completedPayload();
	let originalDelivery: WireDelivery | undefined;
	const edgeTimestampMs = Date.now() - 296_000;
	const edge = completedPayload(edgeTimestampMs);
	let edgeDelivery: WireDelivery | undefined;

	add({
		name: 'valid, canonical-signed (as the reference platform sends)',
		why: 'contract §6: a signature over the canonical form',
		expected: [200],
		starts: true,
		executionId: executionIdOf(original),
		build: () => (originalDelivery = signedDelivery(secret, original, { form: 'canonical' })),
	});
	const raw = completedPayload();
	add({
		name: 'valid, raw-signed (as the guide describes)',
		why: 'contract §6: a signature over the raw body',
		expected: [200],
		starts: true,
		executionId: executionIdOf(raw),
		build: () => signedDelivery(secret, raw, { form: 'raw' }),
	});
	const failed: Payload = {
		event: 'execution.failed',
		timestamp: pythonIso(Date.now()),
		data: {
			execution_id: randomUUID(),
			agent_id: randomUUID(),
			status: 'FAILED',
			error: 'Agent execution failed',
		},
	};
	add({
		name: 'valid execution.failed, status in upper case',
		why: 'statuses are compared case-insensitively (§4)',
		expected: [200],
		starts: true,
		executionId: executionIdOf(failed),
		build: () => signedDelivery(secret, failed),
	});
	add({
		name: 'valid, body timestamp 4 min 56 s old (inside the window)',
		why: '§6: within 5 minutes of the clock',
		expected: [200],
		starts: true,
		executionId: executionIdOf(edge),
		build: () => (edgeDelivery = signedDelivery(secret, edge)),
	});
	const numbers = completedPayload(Date.now(), {
		outputs: {
			score: [new PyFloat(1.0), new PyFloat(2.5e-7)],
			big: [18446744073709551617n],
			nested: [{ b: 1, a: [] }],
		},
	});
	add({
		name: 'valid, canonical-signed, floats 1.0 / 2.5e-07 and a 20-digit integer',
		why: "the canonical form keeps Python's number spelling",
		expected: [200],
		starts: true,
		executionId: executionIdOf(numbers),
		build: () => signedDelivery(secret, numbers),
	});
	const ascii = nonAsciiPayload();
	add({
		name: 'non-ASCII, canonical-signed, wire body with \\u escapes (Python default)',
		why: '§6: canonical form escapes non-ASCII as \\uXXXX',
		expected: [200],
		starts: true,
		executionId: executionIdOf(ascii),
		build: () => signedDelivery(secret, ascii, { form: 'canonical', wire: 'python' }),
	});
	const utf8Canonical = nonAsciiPayload();
	add({
		name: 'non-ASCII, canonical-signed, wire body in raw UTF-8',
		why: 'the canonical form does not depend on how the wire body spells characters',
		expected: [200],
		starts: true,
		executionId: executionIdOf(utf8Canonical),
		build: () => signedDelivery(secret, utf8Canonical, { form: 'canonical', wire: 'utf8' }),
	});
	const utf8Raw = nonAsciiPayload();
	add({
		name: 'non-ASCII, raw-signed over the UTF-8 bytes',
		why: '§6: a signature over the raw body',
		expected: [200],
		starts: true,
		executionId: executionIdOf(utf8Raw),
		build: () => signedDelivery(secret, utf8Raw, { form: 'raw', wire: 'utf8' }),
	});
	const upper = completedPayload();
	add({
		name: 'signature in upper-case hex',
		why: 'the same MAC; hex case carries no information (the platform writes lower case)',
		expected: [200],
		starts: true,
		executionId: executionIdOf(upper),
		build: () => {
			const delivery = signedDelivery(secret, upper);
			const value = delivery.headers['x-webhook-signature'];
			return withHeader(delivery, 'x-webhook-signature', `sha256=${value.slice(7).toUpperCase()}`);
		},
	});
	const plain = completedPayload();
	add({
		name: 'wrong content type (text/plain), correctly signed',
		why: 'the signature, not the header, authenticates the bytes; n8n hands the trigger the raw body',
		expected: [200],
		starts: true,
		executionId: executionIdOf(plain),
		build: () => withHeader(signedDelivery(secret, plain), 'content-type', 'text/plain'),
	});
	const disagree = completedPayload(Date.now() + 200_000);
	add({
		name: 'header and body timestamps disagree by 7 min, each inside the window',
		why: '§6: each is checked against the clock; the header is not signed',
		expected: [200],
		starts: true,
		executionId: executionIdOf(disagree),
		build: () =>
			signedDelivery(secret, disagree, { headerTimestamp: pythonIso(Date.now() - 220_000) }),
	});
	const large = completedPayload(Date.now(), {
		outputs: { text: ['x'.repeat(Math.floor(context.payloadLimitBytes * 0.8))] },
	});
	add({
		name: `valid, ${Math.round((context.payloadLimitBytes * 0.8) / 1024)} KiB body (under n8n's limit)`,
		why: 'a large output is still delivered',
		expected: [200],
		starts: true,
		executionId: executionIdOf(large),
		build: () => signedDelivery(secret, large),
	});

	const asDeepAsPython = deepDelivery(secret, 995, 'canonical');
	add({
		name: 'valid, nested 995 levels (as deep as Python writes), canonical-signed',
		why: "what the reference platform's json.dumps can sign is accepted",
		expected: [200],
		starts: true,
		executionId: asDeepAsPython.executionId,
		build: asDeepAsPython.delivery,
	});

	// ---- one signed delivery, two Manual triggers on one credential (one OAuth client secret)
	const manual = completedPayload();
	let manualDelivery: WireDelivery | undefined;
	add({
		name: "valid, to a Manual trigger, canonical-signed with the OAuth client's webhook secret",
		why: "contract §6: deliveries to an execution's webhook_url are signed with the client's secret",
		expected: [200],
		starts: true,
		executionId: executionIdOf(manual),
		to: 'manual',
		build: () => (manualDelivery = signedDelivery(context.clientSecret, manual)),
	});
	add({
		name: 'that delivery again, to another Manual trigger on the same credential',
		why: '§6: the same signed body under the same secret is a replay, wherever it arrives',
		expected: [401],
		starts: false,
		to: 'otherManual',
		build: () => withHeader(manualDelivery!, 'x-webhook-timestamp', pythonIso(Date.now())),
	});

	// ---- refused: signatures
	const tampered = completedPayload();
	add({
		name: 'tampered body (one output changed after signing)',
		why: '§6: neither form matches',
		expected: [401],
		starts: false,
		executionId: executionIdOf(tampered),
		build: () => {
			const delivery = signedDelivery(secret, tampered, { form: 'raw' });
			return {
				...delivery,
				body: Buffer.from(delivery.body.toString('utf8').replace('"ok"', '"OK"'), 'utf8'),
			};
		},
	});
	const swapped = completedPayload();
	add({
		name: 'signature of another body',
		why: 'a genuine signature, over different bytes',
		expected: [401],
		starts: false,
		executionId: executionIdOf(swapped),
		build: () => {
			const other = signedDelivery(secret, completedPayload());
			return withHeader(
				signedDelivery(secret, swapped),
				'x-webhook-signature',
				other.headers['x-webhook-signature'],
			);
		},
	});
	const wrongSecret = completedPayload();
	add({
		name: 'wrong secret',
		why: 'a MAC under a key the trigger does not hold',
		expected: [401],
		starts: false,
		executionId: executionIdOf(wrongSecret),
		build: () => signedDelivery(`whsec_${hex(16)}`, wrongSecret),
	});
	const otherSubscription = completedPayload();
	add({
		name: 'secret of another subscription',
		why: "each subscription's deliveries are signed with its own secret (§7)",
		expected: [401],
		starts: false,
		executionId: executionIdOf(otherSubscription),
		build: () => signedDelivery(context.otherSecret, otherSubscription),
	});
	const clientSecret = completedPayload();
	add({
		name: "the OAuth client's webhook secret (trigger in Automatic registration)",
		why: 'Automatic registration verifies with the subscription secret only',
		expected: [401],
		starts: false,
		executionId: executionIdOf(clientSecret),
		build: () => signedDelivery(context.clientSecret, clientSecret),
	});
	const unsigned = completedPayload();
	add({
		name: 'missing signature',
		why: '§6: a secret is set, so a signature is required',
		expected: [401],
		starts: false,
		executionId: executionIdOf(unsigned),
		build: () => withHeader(signedDelivery(secret, unsigned), 'x-webhook-signature', undefined),
	});
	const emptySignature = completedPayload();
	add({
		name: 'empty X-Webhook-Signature header',
		why: 'same as missing',
		expected: [401],
		starts: false,
		executionId: executionIdOf(emptySignature),
		build: () => withHeader(signedDelivery(secret, emptySignature), 'x-webhook-signature', ''),
	});
	const badHex = completedPayload();
	add({
		name: 'sha256= with bad hex (64 characters, not hex)',
		why: 'not sha256=<hex>',
		expected: [401],
		starts: false,
		executionId: executionIdOf(badHex),
		build: () =>
			withHeader(
				signedDelivery(secret, badHex),
				'x-webhook-signature',
				`sha256=${'zz'.repeat(32)}`,
			),
	});
	const shortHex = completedPayload();
	add({
		name: 'sha256= with a truncated MAC (first 32 hex digits of the right one)',
		why: 'a prefix of the MAC is not the MAC',
		expected: [401],
		starts: false,
		executionId: executionIdOf(shortHex),
		build: () => {
			const delivery = signedDelivery(secret, shortHex);
			return withHeader(
				delivery,
				'x-webhook-signature',
				delivery.headers['x-webhook-signature'].slice(0, 7 + 32),
			);
		},
	});
	const bare = completedPayload();
	add({
		name: 'right MAC without the sha256= prefix',
		why: '§6: the header is sha256=<hex>',
		expected: [401],
		starts: false,
		executionId: executionIdOf(bare),
		build: () => {
			const delivery = signedDelivery(secret, bare);
			return withHeader(
				delivery,
				'x-webhook-signature',
				delivery.headers['x-webhook-signature'].slice(7),
			);
		},
	});
	const doubled = completedPayload();
	add({
		name: 'two X-Webhook-Signature headers (the right one and a wrong one)',
		why: 'an ambiguous signature is refused, not picked from',
		expected: [401],
		starts: false,
		executionId: executionIdOf(doubled),
		build: () => {
			const delivery = signedDelivery(secret, doubled);
			const headers = { ...delivery.headers } as Record<string, string | string[]>;
			headers['x-webhook-signature'] = [
				delivery.headers['x-webhook-signature'],
				`sha256=${hex(32)}`,
			];
			return { body: delivery.body, headers: headers as unknown as Record<string, string> };
		},
	});

	// ---- refused: timestamps
	const noTimestamp = completedPayload();
	add({
		name: 'missing X-Webhook-Timestamp',
		why: '§6: the header timestamp is required',
		expected: [401],
		starts: false,
		executionId: executionIdOf(noTimestamp),
		build: () => withHeader(signedDelivery(secret, noTimestamp), 'x-webhook-timestamp', undefined),
	});
	const staleHeader = completedPayload();
	add({
		name: 'stale header timestamp (10 min old), body fresh',
		why: '§6: either timestamp more than 5 minutes off',
		expected: [401],
		starts: false,
		executionId: executionIdOf(staleHeader),
		build: () =>
			signedDelivery(secret, staleHeader, { headerTimestamp: pythonIso(Date.now() - 600_000) }),
	});
	const staleBody = completedPayload(Date.now() - 600_000);
	add({
		name: 'stale body timestamp (10 min old), header fresh',
		why: '§6: the signed timestamp decides; a fresh header cannot revive an old body',
		expected: [401],
		starts: false,
		executionId: executionIdOf(staleBody),
		build: () => signedDelivery(secret, staleBody),
	});
	const future = completedPayload(Date.now() + 600_000);
	add({
		name: 'future timestamps (both 10 min ahead)',
		why: '§6: more than 5 minutes from the clock, either side',
		expected: [401],
		starts: false,
		executionId: executionIdOf(future),
		build: () =>
			signedDelivery(secret, future, { headerTimestamp: pythonIso(Date.now() + 600_000) }),
	});
	const futureBody = completedPayload(Date.now() + 360_000);
	add({
		name: 'future body timestamp (6 min ahead), header now',
		why: '§6: the signed timestamp is out of the window',
		expected: [401],
		starts: false,
		executionId: executionIdOf(futureBody),
		build: () => signedDelivery(secret, futureBody),
	});
	const disagreeOutside = completedPayload(Date.now() - 400_000);
	add({
		name: 'header and body timestamps disagree (header now, body 6 min 40 s old)',
		why: '§6: the body timestamp is outside the window',
		expected: [401],
		starts: false,
		executionId: executionIdOf(disagreeOutside),
		build: () => signedDelivery(secret, disagreeOutside),
	});
	const notIso = completedPayload();
	add({
		name: 'header timestamp that is not a date ("yesterday")',
		why: 'not ISO 8601',
		expected: [401],
		starts: false,
		executionId: executionIdOf(notIso),
		build: () => signedDelivery(secret, notIso, { headerTimestamp: 'yesterday' }),
	});

	// ---- refused: replays
	add({
		name: 'replay inside the window (the first valid delivery, same bytes, fresh header)',
		why: '§6: a second delivery of the same signed body inside the window',
		expected: [401],
		starts: false,
		build: () => withHeader(originalDelivery!, 'x-webhook-timestamp', pythonIso(Date.now())),
	});
	add({
		name: 'replay with the wire bytes rewritten (keys reordered, spacing changed), canonical signature kept',
		why: 'the canonical form, and so its signature, survives re-serializing: still the same delivery',
		expected: [401],
		starts: false,
		build: () => {
			const { event, timestamp, data } = original;
			const reordered = { data, timestamp, event };
			return withHeader(
				{ ...originalDelivery!, body: Buffer.from(JSON.stringify(reordered, null, 1), 'utf8') },
				'x-webhook-timestamp',
				pythonIso(Date.now()),
			);
		},
	});
	add({
		name: 'the same payload again, signed in the other form (raw instead of canonical)',
		why: 'one payload is one delivery whichever form was signed (a platform switching modes between retries must not run it twice)',
		expected: [401],
		starts: false,
		build: () => signedDelivery(secret, original, { form: 'raw' }),
	});

	// ---- refused: bodies
	for (const [levels, form] of [
		[1_001, 'canonical'],
		[10_000, 'raw'],
	] as const) {
		const tooDeep = deepDelivery(secret, levels, form);
		add({
			name: `authentic body nested ${levels.toLocaleString('en')} levels, ${form}-signed`,
			why: 'deeper than any Python signer writes: 400, nothing started, and never a 500',
			expected: [400],
			starts: false,
			executionId: tooDeep.executionId,
			build: tooDeep.delivery,
		});
	}

	add({
		name: 'malformed JSON, Content-Type application/json, raw-signed',
		why: "n8n's body parser refuses it before the trigger runs (422)",
		expected: [422],
		starts: false,
		build: () => rawSigned(secret, '{"event": "execution.completed", "timestamp": '),
	});
	add({
		name: 'malformed JSON, Content-Type text/plain, raw-signed',
		why: 'authentic but not JSON: the trigger answers 400',
		expected: [400],
		starts: false,
		build: () => rawSigned(secret, '{"event": "execution.completed", "timestamp": ', 'text/plain'),
	});
	add({
		name: 'JSON that is not an object (an array of a valid payload), raw-signed',
		why: '§6: the body is {event, timestamp, data}',
		expected: [400],
		starts: false,
		build: () => rawSigned(secret, wireJson([completedPayload()])),
	});
	add({
		name: 'JSON that is not an object (a string), raw-signed',
		why: '§6: the body is {event, timestamp, data}',
		expected: [400],
		starts: false,
		build: () => rawSigned(secret, '"execution.completed"'),
	});
	const unknownEvent = { ...completedPayload(), event: 'execution.paused' };
	add({
		name: 'unknown event (execution.paused)',
		why: '§6 names four events',
		expected: [400],
		starts: false,
		executionId: executionIdOf(unknownEvent),
		build: () => signedDelivery(secret, unknownEvent),
	});
	const missingField = completedPayload();
	delete (missingField.data as Record<string, unknown>).outputs;
	add({
		name: 'execution.completed without data.outputs',
		why: '§6: completed carries outputs',
		expected: [400],
		starts: false,
		executionId: executionIdOf(missingField),
		build: () => signedDelivery(secret, missingField),
	});
	add({
		name: 'event not subscribed (grant.revoked)',
		why: 'authentic but not chosen in Events: 200 so the platform does not retry, nothing started',
		expected: [200],
		starts: false,
		build: () =>
			signedDelivery(secret, {
				event: 'grant.revoked',
				timestamp: pythonIso(Date.now()),
				data: { grant_id: randomUUID(), credential_id: randomUUID(), provider: 'google' },
			}),
	});
	add({
		name: 'empty body, signature of the empty body',
		why: 'authentic but not JSON: 400',
		expected: [400],
		starts: false,
		build: () => rawSigned(secret, ''),
	});
	add({
		name: 'empty body, unsigned',
		why: 'no signature: 401',
		expected: [401],
		starts: false,
		build: () => withHeader(rawSigned(secret, ''), 'x-webhook-signature', undefined),
	});
	const oversized = completedPayload(Date.now(), {
		outputs: { text: ['y'.repeat(Math.floor(context.payloadLimitBytes * 1.5))] },
	});
	add({
		name: `correctly signed body over n8n's limit (${Math.round((context.payloadLimitBytes * 1.5) / 1024)} KiB > N8N_PAYLOAD_SIZE_MAX)`,
		why: 'n8n refuses it while reading the body, before the trigger runs (n8n 2.40.7 turns its PayloadTooLargeError into a 500; a 413 or a closed connection would do as well)',
		expected: [500, 413, -1],
		starts: false,
		executionId: executionIdOf(oversized),
		build: () => signedDelivery(secret, oversized),
	});

	// ---- last: the replay in the window's last second, then after the window, of the delivery
	// made 4 min 56 s old
	add({
		name: "replay in the window's last second (the 4 min 56 s old delivery again, 4 min 59.5 s after its timestamp)",
		why: '§6: inside the window a copy is a replay: the memory outlives the window',
		expected: [401],
		starts: false,
		before: async () => {
			const waitMs = edgeTimestampMs + 299_500 - Date.now();
			if (waitMs > 0) await sleep(waitMs);
		},
		build: () => withHeader(edgeDelivery!, 'x-webhook-timestamp', pythonIso(Date.now())),
	});
	// and after it
	add({
		name: 'replay after the window (the 4 min 56 s old delivery again, 5 min 1 s after its timestamp)',
		why: '§6: its signed timestamp has left the window',
		expected: [401],
		starts: false,
		before: async () => {
			const waitMs = edgeTimestampMs + 301_000 - Date.now();
			if (waitMs > 0) await sleep(waitMs);
		},
		build: () => withHeader(edgeDelivery!, 'x-webhook-timestamp', pythonIso(Date.now())),
	});

	return cases;
}
