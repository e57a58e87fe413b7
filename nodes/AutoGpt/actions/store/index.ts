import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as search from './search.operation';

export const operations = { get, search };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['store'] } },
		options: [
			{
				name: 'Get an Agent',
				value: 'get',
				description:
					"Get a store agent's details, with its agent ID and versions (today's AutoGPT platform)",
				action: 'Get a store agent',
			},
			{
				name: 'Search Agents',
				value: 'search',
				description: "Search the agents of the AutoGPT store (today's AutoGPT platform)",
				action: 'Search store agents',
			},
		],
		default: 'search',
	},
	...search.description,
	...get.description,
];
