import type { INodeProperties } from 'n8n-workflow';

import * as getCapabilities from './getCapabilities.operation';

export const operations = { getCapabilities };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Capabilities',
				value: 'getCapabilities',
				description: 'Get the grants and scopes this connection may use',
				action: 'Get capabilities',
			},
		],
		default: 'getCapabilities',
	},
	...getCapabilities.description,
];
