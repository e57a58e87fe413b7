import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { simplifyExecution } from '../../helpers/simplify';
import { executionIdField, simplifyField } from '../fields';
import { getExecution } from '../waiting';
import { executionAgentIdField, readExecutionAgentId } from './agentId';
import { readExecutionId } from './executionId';

const properties: INodeProperties[] = [executionIdField, executionAgentIdField, simplifyField];

export const description = updateDisplayOptions(
	{ show: { resource: ['execution'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const record = (await getExecution.call(
		this,
		readExecutionId.call(this, itemIndex),
		itemIndex,
		readExecutionAgentId.call(this, itemIndex),
	)) as IDataObject;
	return this.getNodeParameter('simplify', itemIndex, true) ? simplifyExecution(record) : record;
}
