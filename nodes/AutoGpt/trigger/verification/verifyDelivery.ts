import {
	MAX_NESTING_DEPTH,
	writeCanonicalJson,
	type CanonicalOutcome,
	type ChunkWriter,
} from './canonicalJson';
import { parseDelivery, type Delivery } from './payload';
import { replayKeyOf, type ReplayMemory } from './replayGuard';
import { computeChunkedSignature, verifySignature, type SignedForm } from './signature';
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
	/** Remembers accepted deliveries by replay key (secret and payload); see ReplayMemory. */
	replayGuard: ReplayMemory;
}

export type DeliveryVerdict =
	/** `replayKey`: what the replay memory now holds for this delivery. */
	| { accepted: true; delivery: Delivery; signedForm: SignedForm; replayKey: string }
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

const TOO_DEEP = `body is nested deeper than ${MAX_NESTING_DEPTH} levels`;

function decodeUtf8(bytes: Uint8Array): string | undefined {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return undefined;
	}
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/**
 * Decides whether a delivery may start a workflow (contract §6). Order matters: nothing about
 * the body is reported to a sender who cannot sign it (except that it nests deeper than any
 * signer writes, which the sender knows), and a delivery is remembered for replay only once every
 * other check has passed, so a refused delivery can still be retried.
 * Reasons are short and never contain the secret.
 */
export function verifyDelivery(
	request: DeliveryRequest,
	settings: VerificationSettings,
): DeliveryVerdict {
	const { secret } = settings;
	if (!secret) return reject(401, 'the trigger has no signing secret');
	const rawBody = request.rawBody ?? new Uint8Array();
	let canonical = 'not JSON' as CanonicalOutcome;
	const writeCanonical = (write: ChunkWriter) => {
		canonical = writeCanonicalJson(rawBody, write);
		return canonical === 'written';
	};

	const signature = verifySignature({
		secret,
		header: request.signatureHeader,
		rawBody,
		canonicalBody: writeCanonical,
	});
	if (!signature.valid) {
		if (canonical === 'too deep') return reject(400, TOO_DEEP);
		return reject(401, SIGNATURE_REASONS[signature.reason]);
	}
	// The replay key names the payload whichever form was signed: the canonical form's MAC.
	const canonicalMac =
		signature.form === 'canonical'
			? signature.mac
			: computeChunkedSignature(secret, writeCanonical);
	if (canonical === 'too deep') return reject(400, TOO_DEEP);

	// decoded only now: a forged body never is, beyond what the canonical form reads
	const text = decodeUtf8(rawBody);
	const plain = text === undefined ? undefined : parseJson(text);
	if (plain === undefined || canonicalMac === undefined) return reject(400, 'body is not JSON');
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

	// A copy passes the window until the signed timestamp plus the tolerance, that instant included.
	const lastCopyAtMs = bodyTime.epochMs + settings.toleranceSeconds * 1000;
	const replayKey = replayKeyOf(canonicalMac);
	if (settings.replayGuard.isReplay(replayKey, settings.nowMs, lastCopyAtMs)) {
		return reject(401, 'replayed delivery');
	}

	return { accepted: true, delivery: payload.delivery, signedForm: signature.form, replayKey };
}
