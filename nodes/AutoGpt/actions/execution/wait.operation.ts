import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { simplifyExecution } from '../../helpers/simplify';
import { executionIdField, simplifyField, waitOptions } from '../fields';
import type { WaitingRun } from '../types';
import { readWaitSettings, waitForExecution } from '../waiting';
import { executionAgentIdField, readExecutionAgentId } from './agentId';
import { readExecutionId } from './executionId';

const properties: INodeProperties[] = [
	executionIdField,
	executionAgentIdField,
	simplifyField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: waitOptions,
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['execution'], operation: ['wait'] } },
	properties,
);

/** Waits for the execution it starts: it shares the run's read budget with the other items. */
export const waits = true;

export async function execute(this: IExecuteFunctions, itemIndex: number, run: WaitingRun) {
	const executionId = readExecutionId.call(this, itemIndex);
	const record = await waitForExecution.call(
		this,
		executionId,
		itemIndex,
		readWaitSettings(this, itemIndex),
		run,
		readExecutionAgentId.call(this, itemIndex) || undefined,
	);
	return this.getNodeParameter('simplify', itemIndex, true) ? simplifyExecution(record) : record;
}
