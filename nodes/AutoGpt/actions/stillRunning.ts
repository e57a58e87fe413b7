import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { normalizeStatus } from '../helpers/status';

/**
 * The wait for an execution reached its timeout while the agent still runs. The normal node fails
 * the item with it; as a tool of an AI Agent the node answers the model with `itemData` instead, so
 * the conversation goes on and the model can ask again later.
 */
export class ExecutionStillRunning extends NodeOperationError {
	readonly itemData: IDataObject;

	constructor(
		node: INode,
		executionId: string,
		lastStatus: string,
		timeoutSeconds: number,
		itemIndex: number,
		agentId?: string,
	) {
		const remedy =
			'Raise Timeout in the options, or continue later with Execution → Wait and this execution ID; the agent goes on running in AutoGPT.';
		super(
			node,
			`Execution ${executionId} did not finish within ${timeoutSeconds} seconds (last status: ${lastStatus}). ${remedy}`,
			{ itemIndex, description: remedy },
		);
		const status = normalizeStatus(lastStatus);
		this.itemData = {
			execution_id: executionId,
			...(agentId ? { agent_id: agentId } : {}),
			status,
			still_running: true,
			message: `Still running after ${timeoutSeconds} seconds (status: ${status}); the agent goes on in AutoGPT. Ask again with Execution → Wait (or Execution → Get) and execution_id "${executionId}" to get its outputs.`,
		};
	}
}
