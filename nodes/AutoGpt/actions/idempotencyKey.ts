// The Idempotency Key option of Execute Agent: a user's own key for a run, checked before it is sent.
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { idempotencyKeyProblem } from '../transport/idempotency';

export const idempotencyKeyOption: INodeProperties = {
	displayName: 'Idempotency Key',
	name: 'idempotencyKey',
	type: 'string',
	default: '',
	placeholder: 'e.g. {{ $json.order_id }}',
	description:
		'Your own key for this run, e.g. an order ID: AutoGPT starts at most one run per key in 24 hours, also across n8n executions. Without it, each item gets a key of its own n8n execution.',
};

/** The item's own key from Options → Idempotency Key, or undefined when the option is not set. */
export function readIdempotencyKey(
	context: IExecuteFunctions,
	itemIndex: number,
): string | undefined {
	const options = context.getNodeParameter('options', itemIndex, {}) as {
		idempotencyKey?: unknown;
	};
	if (options.idempotencyKey === undefined) return undefined;
	const key = String(options.idempotencyKey ?? '').trim();
	const problem = idempotencyKeyProblem(key);
	if (problem) {
		throw new NodeOperationError(
			context.getNode(),
			`The Idempotency Key of item ${itemIndex} cannot be used: ${problem}`,
			{
				itemIndex,
				description:
					'Give a key of 1 to 255 visible ASCII characters (letters, digits, punctuation; no spaces or accents), e.g. an order ID, or remove the option to let each item get a key of its own n8n execution.',
			},
		);
	}
	return key;
}
