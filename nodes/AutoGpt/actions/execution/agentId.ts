// Today's AutoGPT platform finds an execution through its agent (graph): Execution → Get and Wait
// take the agent ID there, and its results are shaped into the record the other profile returns.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isSuccessStatus } from '../../helpers/status';
import { executionRecordOf, getGraphResults } from '../../transport/profiles/liveV1';
import type { ExecutionRecord } from '../../transport/schemas';

export const executionAgentIdField: INodeProperties = {
	displayName: 'Agent ID',
	name: 'agentId',
	type: 'string',
	default: '',
	placeholder: 'e.g. 5f3c9a1e-…',
	description:
		"The agent the execution belongs to: the agent_id returned by Execute Agent. Today's AutoGPT platform (platform.agpt.co) needs it to find the execution; other platforms ignore it.",
};

export function readExecutionAgentId(this: IExecuteFunctions, itemIndex: number): string {
	return String(this.getNodeParameter('agentId', itemIndex, '') ?? '').trim();
}

/** One look at an execution on today's platform, as an execution record. */
export async function getGraphExecution(
	this: IExecuteFunctions,
	executionId: string,
	itemIndex: number,
	agentId: string | undefined,
): Promise<ExecutionRecord & IDataObject> {
	if (!agentId) {
		throw new NodeOperationError(this.getNode(), 'Agent ID is empty', {
			itemIndex,
			description:
				"Today's AutoGPT platform finds an execution through its agent. Map the agent_id returned by Execute Agent into Agent ID.",
		});
	}
	const record = executionRecordOf(
		await getGraphResults.call(this, agentId, executionId, itemIndex),
	) as ExecutionRecord & IDataObject;
	if (isSuccessStatus(record.status) && record.block_errors) {
		const errors = record.block_errors as Array<{ error: string }>;
		this.addExecutionHints({
			type: 'warning',
			location: 'outputPane',
			message: `Execution ${executionId} completed, but ${errors.length === 1 ? 'a block' : `${errors.length} blocks`} reported an error (${errors.map((entry) => entry.error).join('; ')}): some outputs may be missing. See block_errors.`,
		});
	}
	return record;
}
