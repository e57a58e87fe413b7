import { createHmac, timingSafeEqual } from 'crypto';

export const SIGNATURE_PREFIX = 'sha256=';

/** Which bytes the platform signed: the body as sent (guide) or its canonical form (reference). */
export type SignedForm = 'raw' | 'canonical';

/**
 * The MAC carried by `X-Webhook-Signature: sha256=<hex>`, or undefined when the header is absent
 * or not of that form. The contract says the platform writes lower-case hex; upper case is read
 * too, since the comparison is over the decoded bytes and accepts exactly the same MAC.
 */
export function parseSignatureHeader(header: string | undefined): Buffer | undefined {
	if (header === undefined) return undefined;
	const value = header.trim();
	if (!value.startsWith(SIGNATURE_PREFIX)) return undefined;
	const hex = value.slice(SIGNATURE_PREFIX.length);
	if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
	return Buffer.from(hex, 'hex');
}

export function computeSignature(secret: string, payload: Uint8Array | string): Buffer {
	return createHmac('sha256', secret).update(payload).digest();
}

/** The header value the platform would send for this payload. */
export function signatureHeaderFor(secret: string, payload: Uint8Array | string): string {
	return SIGNATURE_PREFIX + computeSignature(secret, payload).toString('hex');
}

/** Constant time over equal lengths; a length mismatch says nothing about the secret. */
export function macsEqual(expected: Buffer, provided: Buffer): boolean {
	if (expected.length !== provided.length) return false;
	return timingSafeEqual(expected, provided);
}

/**
 * A signed text written in chunks to `write` (the canonical form is built as it is hashed);
 * false when there is no such text.
 */
export type ChunkedText = (write: (chunk: string | Uint8Array) => void) => boolean;

/** The MAC of a text written in chunks, or undefined when there is no text. */
export function computeChunkedSignature(secret: string, text: ChunkedText): Buffer | undefined {
	const mac = createHmac('sha256', secret);
	return text((chunk) => mac.update(chunk)) ? mac.digest() : undefined;
}

export interface SignatureCheck {
	secret: string;
	header: string | undefined;
	rawBody: Uint8Array;
	/**
	 * The canonical form of the parsed body. Written only when the raw body does not match:
	 * building the form costs far more than a MAC.
	 */
	canonicalBody?: string | ChunkedText;
}

export type SignatureResult =
	| { valid: true; form: 'raw' }
	/** `mac` is the canonical form's MAC, which names the payload under this secret. */
	| { valid: true; form: 'canonical'; mac: Buffer }
	| { valid: false; reason: 'missing' | 'malformed' | 'mismatch' };

/** Accepts a MAC over the raw body or over the canonical form, and nothing else (contract §6). */
export function verifySignature(check: SignatureCheck): SignatureResult {
	if (check.header === undefined || check.header.trim() === '') {
		return { valid: false, reason: 'missing' };
	}
	const provided = parseSignatureHeader(check.header);
	if (!provided) return { valid: false, reason: 'malformed' };
	if (!check.secret) return { valid: false, reason: 'mismatch' };

	// The raw body first: it is cheap, and what it reveals by timing (that the raw form did not
	// match) is all a sender without the secret learns anyway.
	if (macsEqual(computeSignature(check.secret, check.rawBody), provided))
		return { valid: true, form: 'raw' };
	const canonical = check.canonicalBody;
	const mac =
		typeof canonical === 'function'
			? computeChunkedSignature(check.secret, canonical)
			: canonical === undefined
				? undefined
				: computeSignature(check.secret, canonical);
	if (mac !== undefined && macsEqual(mac, provided)) return { valid: true, form: 'canonical', mac };
	return { valid: false, reason: 'mismatch' };
}
