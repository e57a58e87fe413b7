import type { INodeProperties } from 'n8n-workflow';

import * as deleteOperation from './delete.operation';
import * as getAll from './getAll.operation';

export const operations = { delete: deleteOperation, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['integrationCredential'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description:
					"Remove an account connected to AutoGPT (today's AutoGPT platform; not revoked at the provider)",
				action: 'Delete an integration credential',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description:
					"List the accounts connected to AutoGPT, without their secrets (today's AutoGPT platform)",
				action: 'Get many integration credentials',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...deleteOperation.description,
];
