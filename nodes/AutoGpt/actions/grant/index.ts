import type { INodeProperties } from 'n8n-workflow';

import * as deleteCredential from './deleteCredential.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations = { deleteCredential, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['grant'] } },
		options: [
			{
				name: 'Delete Credential',
				value: 'deleteCredential',
				description: 'Delete the credential behind a grant, revoking every grant on it',
				action: 'Delete the credential of a grant',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a credential grant',
				action: 'Get a grant',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the credential grants of this connection',
				action: 'Get many grants',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...get.description,
	...deleteCredential.description,
];
