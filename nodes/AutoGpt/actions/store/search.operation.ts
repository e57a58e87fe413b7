import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { StoreQuery } from '../../transport/profiles/liveV1';
import { searchStorePage } from '../../transport/profiles/liveV1';
import { readLimit, returnAllFields } from '../listFields';

const PAGE_SIZE = 50;

const properties: INodeProperties[] = [
	{
		displayName: 'Search Query',
		name: 'query',
		type: 'string',
		default: '',
		placeholder: 'e.g. summarize youtube',
		description:
			"Words to look for in the agents' names, headings and descriptions. Leave empty to list the store.",
	},
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Category',
				name: 'category',
				type: 'string',
				default: '',
				placeholder: 'e.g. research',
			},
			{
				displayName: 'Creator',
				name: 'creator',
				type: 'string',
				default: '',
				placeholder: 'e.g. autogpt',
				description: 'Username of the creator, as in creator/agent-name',
			},
			{
				displayName: 'Featured Only',
				name: 'featured',
				type: 'boolean',
				default: false,
				description: 'Whether to list only the agents the store features',
			},
			{
				displayName: 'Sort By',
				name: 'sortedBy',
				type: 'options',
				default: 'runs',
				options: [
					{ name: 'Name', value: 'name' },
					{ name: 'Rating', value: 'rating' },
					{ name: 'Runs', value: 'runs' },
					{ name: 'Updated', value: 'updated_at' },
				],
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['store'], operation: ['search'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as {
		category?: string;
		creator?: string;
		featured?: boolean;
		sortedBy?: string;
	};
	const query: StoreQuery = {
		search_query: String(this.getNodeParameter('query', itemIndex, '')).trim(),
		creator: filters.creator?.trim(),
		category: filters.category?.trim(),
		sorted_by: filters.sortedBy,
		featured: filters.featured,
	};
	const limit = readLimit.call(this, itemIndex);
	const pageSize = Math.min(limit ?? PAGE_SIZE, PAGE_SIZE);
	const agents: IDataObject[] = [];
	// The store answers page by page: ask for the next one until enough are in or none is left.
	for (let page = 1; ; page++) {
		const answer = await searchStorePage.call(this, query, page, pageSize, itemIndex);
		agents.push(...(answer.agents as IDataObject[]));
		const enough = limit !== undefined && agents.length >= limit;
		if (enough || answer.agents.length === 0 || page >= answer.pagination.total_pages) break;
	}
	return limit === undefined ? agents : agents.slice(0, limit);
}
