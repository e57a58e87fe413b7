import type { IDataObject, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { AgentRunEnded } from './waiting';

export type ItemError = NodeApiError | NodeOperationError;

/**
 * The JSON of the item a failed item becomes under Continue On Fail. An agent run that ended badly
 * still names its execution, status and the platform's error.
 */
export function errorItemJson(error: ItemError): IDataObject {
	return {
		...(error instanceof AgentRunEnded ? error.itemData : {}),
		error: error.message,
		description: error.description ?? undefined,
	};
}
