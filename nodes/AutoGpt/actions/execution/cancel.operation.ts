import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { platformRequest } from '../../transport';
import { cancelAnswer } from '../../transport/schemas';
import { executionIdField } from '../fields';
import { readExecutionId } from './executionId';

const properties: INodeProperties[] = [executionIdField];

export const description = updateDisplayOptions(
	{ show: { resource: ['execution'], operation: ['cancel'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const executionId = readExecutionId.call(this, itemIndex);
	return await platformRequest.call(this, cancelAnswer, {
		method: 'POST',
		path: `/executions/${encodeURIComponent(executionId)}/cancel`,
		action: `Could not cancel execution ${executionId}`,
		itemIndex,
		// Cancelling twice is harmless: it may be retried after a 5xx or a broken connection.
		idempotent: true,
		hints: {
			400: 'Only a queued or running execution can be cancelled; this one has already ended. Use Execution → Get to see its final status.',
		},
	});
}
