import type { INodeProperties } from 'n8n-workflow';

import * as execute from './execute.operation';
import * as getAll from './getAll.operation';

export const operations = { execute, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['block'] } },
		options: [
			{
				name: 'Execute',
				value: 'execute',
				description:
					"Run one block with the given inputs and return its outputs (today's AutoGPT platform; uses credits)",
				action: 'Execute a block',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: "List the blocks agents are built from (today's AutoGPT platform)",
				action: 'Get many blocks',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...execute.description,
];
