// Idempotency keys on execute (contract §12), pure: the key an item's run is started under, the
// check of a user's own key, and whether an answer shows that the platform stores keys.
import { createHash } from 'crypto';

import { header } from './rateBudget';

export const MAX_KEY_LENGTH = 255;

/** Where a run is started from in n8n: what makes a key the same, or different. */
export interface KeySource {
	/** n8n's instance ID; only its hash ever leaves n8n. */
	instanceId: string;
	workflowId: string;
	executionId: string;
	nodeId: string;
	/** The node's run within the execution (a loop runs it several times); retries keep it. */
	runIndex: number;
	itemIndex: number;
}

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The key for one item of one node run in one n8n execution: the same whenever n8n runs that
 * again (Retry On Fail, a queue-mode job run anew), different otherwise. It reads
 * `n8n-<execution>-<run>-<item>-<digest>`, where the digest covers every part (so two n8n
 * instances or workflows never share a key); only the digest when the execution ID is long or
 * not plain ASCII.
 */
export function deriveIdempotencyKey(source: KeySource): string {
	const digest = createHash('sha256')
		.update(
			JSON.stringify([
				source.instanceId,
				source.workflowId,
				source.executionId,
				source.nodeId,
				source.runIndex,
				source.itemIndex,
			]),
		)
		.digest('base64url')
		.slice(0, 32);
	const readable = `n8n-${source.executionId}-${source.runIndex}-${source.itemIndex}-${digest}`;
	return readable.length <= MAX_KEY_LENGTH && VISIBLE_ASCII.test(readable)
		? readable
		: `n8n-${digest}`;
}

/** Why a key cannot be sent (contract §12: 1–255 visible ASCII characters), or undefined. */
export function idempotencyKeyProblem(key: string): string | undefined {
	if (key === '') return 'it is empty';
	if (key.length > MAX_KEY_LENGTH)
		return `it has ${key.length} characters, more than ${MAX_KEY_LENGTH}`;
	const bad = [...key].find((character) => !VISIBLE_ASCII.test(character));
	if (bad !== undefined) {
		const shown = bad === ' ' ? 'a space' : JSON.stringify(bad);
		return `it contains ${shown}; only visible ASCII characters (no spaces) are allowed`;
	}
	return undefined;
}

/** Whether an answer echoes `key`: the platform stores keys (contract §12). */
export function echoesKey(headers: Record<string, unknown> | undefined, key: string): boolean {
	return header(headers, 'idempotency-key') === key;
}

/** Why an execute that failed ambiguously was not sent again, and where its run may be. */
export const NOT_REPEATED_HINT =
	"The request was not repeated, so that no agent run is started twice: the run may have started. Look for it among the agent's executions in AutoGPT before running this again.";

/**
 * What to say about an execute sent under `key` that failed (`status` undefined: no answer): the
 * key used before for another request (422), or an ambiguous failure left after every try the
 * transport allows on a platform that stores keys. Undefined where the usual words fit.
 */
export function keyedFailureHint(
	status: number | undefined,
	platformWords: string | undefined,
	key: string,
	repeated: boolean,
): string | undefined {
	if (status === 422 && platformWords && /idempotency-key/i.test(platformWords)) {
		return `The Idempotency-Key "${key}" started a run of another agent or with other inputs in the last 24 hours, and AutoGPT starts no second run under one key. With the Idempotency Key option set, give each distinct run its own key (e.g. add the agent's name to it); without it, the inputs of this item changed between two tries of this node in one n8n execution (e.g. an expression using $now).`;
	}
	const ambiguous = status === undefined || status >= 500 || status === 409;
	if (!ambiguous || !repeated) return undefined;
	return `It was sent more than once under the Idempotency-Key "${key}", which AutoGPT keeps for 24 hours, so at most one run started. Running this item again under that key (Retry On Fail, or the same Idempotency Key option) picks that run up instead of starting another; it is also among the agent's executions in AutoGPT.`;
}
