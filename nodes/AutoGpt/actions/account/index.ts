import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getCapabilities from './getCapabilities.operation';

export const operations = { get, getCapabilities };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description:
					"Get the account of the API key: ID, name, email and time zone (today's AutoGPT platform)",
				action: 'Get the account',
			},
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
	...get.description,
];
