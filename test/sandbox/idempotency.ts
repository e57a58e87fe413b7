// Idempotency keys on execute (contract §12): a key belongs to its user for 24 hours; the same
// request again gets the first answer, another request with the key a 422, a request while the
// first is still being handled a 409. With `idempotencyKeys: "ignore"` none of this exists, as on
// the reference design: the header is neither read nor echoed.
import { canonicalJson } from './canonical';
import type { SandboxContext } from './context';
import { detail, type SandboxRequest } from './http';
import type { IdempotencyRecord } from './state';

export const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Seconds a 409 asks the client to wait before it asks again. */
export const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;

/**
 * The key the request carries, or null (none sent, or the platform ignores keys). A key that is
 * not 1–255 visible ASCII characters is a 400.
 */
export function readIdempotencyKey(
	context: SandboxContext,
	request: SandboxRequest,
): string | null {
	if (context.config.idempotencyKeys === 'ignore') return null;
	const value = request.headers['idempotency-key'];
	if (value === undefined) return null;
	if (typeof value !== 'string' || !VISIBLE_ASCII.test(value)) {
		throw detail(400, 'Invalid Idempotency-Key');
	}
	return value;
}

export type KeyClaim =
	| { replay: Record<string, unknown> }
	| { record: IdempotencyRecord; release(): void; answered(answer: Record<string, unknown>): void };

/**
 * Takes the key for a new run, or says what the earlier request with it decides: its answer again,
 * 409 while it is still being handled, 422 when it asked for something else.
 */
export function claimKey(
	context: SandboxContext,
	request: SandboxRequest,
	userId: string,
	key: string,
	agentId: string,
	body: unknown,
): KeyClaim {
	const { state, clock } = context;
	const id = `${userId} ${key}`;
	const now = clock.nowMs();
	const fingerprint = `${agentId} ${canonicalJson(body)}`;
	const earlier = state.idempotencyKeys.get(id);
	if (earlier && earlier.createdAt + KEY_LIFETIME_MS > now) {
		if (earlier.fingerprint !== fingerprint) {
			throw detail(422, 'Idempotency-Key reused with a different request');
		}
		if (earlier.inFlight || !earlier.answer) {
			throw detail(
				409,
				'A request with this Idempotency-Key is still being handled; retry after the time in Retry-After',
				{ 'retry-after': String(IN_FLIGHT_RETRY_AFTER_SECONDS) },
			);
		}
		return { replay: earlier.answer };
	}
	const record: IdempotencyRecord = {
		key,
		userId,
		agentId,
		fingerprint,
		inFlight: true,
		answer: null,
		createdAt: now,
	};
	state.idempotencyKeys.set(id, record);
	return {
		record,
		// Refused before a run started: the key is free again.
		release: () => {
			if (state.idempotencyKeys.get(id) === record) state.idempotencyKeys.delete(id);
		},
		answered: (answer) => {
			record.answer = answer;
			// Still in flight until the answer has gone out (a delayed answer keeps it so).
			request.afterAnswer.push(() => {
				record.inFlight = false;
			});
		},
	};
}

/** `GET /_sandbox/idempotency-keys`. */
export function idempotencyKeysView(context: SandboxContext) {
	const { state, clock } = context;
	return [...state.idempotencyKeys.values()].map((record) => ({
		key: record.key,
		user_id: record.userId,
		agent_id: record.agentId,
		execution_id:
			typeof record.answer?.execution_id === 'string' ? record.answer.execution_id : null,
		in_flight: record.inFlight,
		created_at: clock.iso(record.createdAt),
		expires_at: clock.iso(record.createdAt + KEY_LIFETIME_MS),
	}));
}
