import { createHash } from 'crypto';

import { canonicalize, parseJson, toPlainValue, type JsonValue } from './canonicalJson';
import { parseDelivery, type Delivery } from './payload';
import type { ReplayGuard } from './replayGuard';
import { verifySignature, type SignedForm } from './signature';
import { checkTimestamp } from './timestampWindow';

export interface DeliveryRequest {
	/** The body bytes exactly as received (n8n's `req.rawBody`). */
	rawBody: Uint8Array | undefined;
	signatureHeader: string | undefined;
	timestampHeader: string | undefined;
}

export interface VerificationSettings {
	secret: string;
	toleranceSeconds: number;
	nowMs: number;
	replayGuard: Pick<ReplayGuard, 'isReplay'>;
}

export type DeliveryVerdict =
	| { accepted: true; delivery: Delivery; signedForm: SignedForm }
	| { accepted: false; status: 400 | 401; reason: string };

const TIMESTAMP_REASONS = {
	missing: 'is missing',
	invalid: 'is not an ISO 8601 date-time',
	outside: 'is outside the tolerance window',
} as const;

const SIGNATURE_REASONS = {
	missing: 'missing X-Webhook-Signature',
	malformed: 'X-Webhook-Signature is not sha256=<hex>',
	mismatch: 'signature does not match',
} as const;

function reject(status: 400 | 401, reason: string): DeliveryVerdict {
	return { accepted: false, status, reason };
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return undefined;
	}
}

function parseBody(bytes: Uint8Array): JsonValue | undefined {
	const text = decodeUtf8(bytes);
	if (text === undefined) return undefined;
	try {
		return parseJson(text);
	} catch {
		return undefined;
	}
}

/** A serialization with keys sorted at every level: the same payload gives the same text. */
function sortedJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.keys(value as Record<string, unknown>)
			.sort()
			.map(
				(key) => `${JSON.stringify(key)}:${sortedJson((value as Record<string, unknown>)[key])}`,
			);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

function parseRaw(bytes: Uint8Array): unknown {
	const text = decodeUtf8(bytes);
	if (text === undefined) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/**
 * Decides whether a delivery may start a workflow (contract §6). Order matters: nothing about
 * the body is reported to a sender who cannot sign it, and a delivery is remembered for replay
 * only once every other check has passed, so a refused delivery can still be retried.
 * Reasons are short and never contain the secret.
 */
export function verifyDelivery(
	request: DeliveryRequest,
	settings: VerificationSettings,
): DeliveryVerdict {
	if (!settings.secret) return reject(401, 'the trigger has no signing secret');
	const rawBody = request.rawBody ?? new Uint8Array();
	// Parsed and canonicalized only when needed: a raw-signed body is read with JSON.parse.
	let parsed: JsonValue | undefined;
	const canonicalForm = () => {
		parsed = parseBody(rawBody);
		return parsed === undefined ? undefined : canonicalize(parsed);
	};

	const signature = verifySignature({
		secret: settings.secret,
		header: request.signatureHeader,
		rawBody,
		canonicalBody: canonicalForm,
	});
	if (!signature.valid) return reject(401, SIGNATURE_REASONS[signature.reason]);

	const plain =
		signature.form === 'raw'
			? parseRaw(rawBody)
			: parsed === undefined
				? undefined
				: toPlainValue(parsed);
	if (plain === undefined) return reject(400, 'body is not JSON');
	const payload = parseDelivery(plain);
	if (!payload.ok) return reject(400, `malformed payload: ${payload.reason}`);

	const headerTime = checkTimestamp(
		request.timestampHeader,
		settings.nowMs,
		settings.toleranceSeconds,
	);
	if (!headerTime.ok)
		return reject(401, `X-Webhook-Timestamp ${TIMESTAMP_REASONS[headerTime.reason]}`);
	const bodyTime = checkTimestamp(
		payload.delivery.timestamp,
		settings.nowMs,
		settings.toleranceSeconds,
	);
	if (!bodyTime.ok) return reject(401, `body timestamp ${TIMESTAMP_REASONS[bodyTime.reason]}`);

	// Keyed by the payload itself, whichever form was signed and however it was serialized.
	const replayKey = createHash('sha256').update(sortedJson(plain)).digest('hex');
	const expiresAtMs = bodyTime.epochMs + settings.toleranceSeconds * 1000;
	if (settings.replayGuard.isReplay(replayKey, settings.nowMs, expiresAtMs)) {
		return reject(401, 'replayed delivery');
	}

	return { accepted: true, delivery: payload.delivery, signedForm: signature.form };
}
