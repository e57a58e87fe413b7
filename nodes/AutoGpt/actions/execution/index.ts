import type { INodeProperties } from 'n8n-workflow';

import { EXECUTION_ID_GUIDE, fromAi, withToolDefaults } from '../toolUse';
import * as cancel from './cancel.operation';
import * as get from './get.operation';
import * as wait from './wait.operation';

export const operations = { cancel, get, wait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['execution'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Stop a queued or running execution',
				action: 'Cancel an execution',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status and outputs of an execution',
				action: 'Get an execution',
			},
			{
				name: 'Wait',
				value: 'wait',
				description: 'Wait until an execution ends and return its outputs',
				action: 'Wait for an execution',
			},
		],
		default: 'get',
	},
	// As a tool: the model gives the execution ID it got when it ran the agent.
	...withToolDefaults([...get.description, ...wait.description, ...cancel.description], {
		executionId: { default: fromAi('execution_id', EXECUTION_ID_GUIDE, 'string') },
	}),
];
