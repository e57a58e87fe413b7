import type { INodeProperties } from 'n8n-workflow';

import * as execute from './execute.operation';

export const operations = { execute };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agent'] } },
		options: [
			{
				name: 'Execute',
				value: 'execute',
				description: 'Run an agent, and optionally wait for its outputs',
				action: 'Execute an agent',
			},
		],
		default: 'execute',
	},
	...execute.description,
];
