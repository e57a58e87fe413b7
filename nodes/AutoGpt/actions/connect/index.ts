import type { INodeProperties } from 'n8n-workflow';

import * as createLink from './createLink.operation';

export const operations = { createLink };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['connect'] } },
		options: [
			{
				name: 'Create Connect Link',
				value: 'createLink',
				description:
					'Build a link an end user opens to connect a provider account and grant access to it',
				action: 'Create a connect link',
			},
		],
		default: 'createLink',
	},
	...createLink.description,
];
