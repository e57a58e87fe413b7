import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export function readExecutionId(this: IExecuteFunctions, itemIndex: number): string {
	const executionId = String(this.getNodeParameter('executionId', itemIndex, '') ?? '').trim();
	if (!executionId) {
		throw new NodeOperationError(
			this.getNode(),
			'Execution ID is empty: give the execution_id that Agent → Execute returned',
			{
				itemIndex,
				description: 'Map the execution_id returned by Execute Agent into Execution ID.',
			},
		);
	}
	return executionId;
}
