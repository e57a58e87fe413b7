import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listBlocks } from '../../transport/profiles/liveV1';
import type { BlockInfo } from '../../transport/profiles/liveV1';
import { readLimit, returnAllFields } from '../listFields';

const properties: INodeProperties[] = [
	...returnAllFields,
	{
		displayName: 'Search',
		name: 'search',
		type: 'string',
		default: '',
		placeholder: 'e.g. calculator',
		description: 'Only blocks whose name or description contains this text (any case)',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return only the ID, name, description, categories and the names of the inputs and outputs instead of the full block with its schemas',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['block'], operation: ['getAll'] } },
	properties,
);

function fieldNames(schema: unknown): string[] {
	const fields = (schema as { properties?: unknown } | undefined)?.properties;
	return fields && typeof fields === 'object' ? Object.keys(fields) : [];
}

function simplifyBlock(block: BlockInfo): IDataObject {
	const categories = Array.isArray(block.categories) ? block.categories : [];
	return {
		id: block.id,
		name: block.name,
		description: block.description,
		categories: categories.map((entry) =>
			typeof entry === 'object' && entry !== null ? (entry as IDataObject).category : entry,
		) as IDataObject[],
		inputs: fieldNames(block.inputSchema),
		outputs: fieldNames(block.outputSchema),
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	// The platform lists every block in one answer: Search and Limit are applied here.
	const needle = String(this.getNodeParameter('search', itemIndex, ''))
		.trim()
		.toLowerCase();
	const blocks = (await listBlocks.call(this, itemIndex)).filter(
		(block: BlockInfo) =>
			!needle ||
			block.name.toLowerCase().includes(needle) ||
			String(block.description ?? '')
				.toLowerCase()
				.includes(needle),
	);
	const limited = blocks.slice(0, readLimit.call(this, itemIndex));
	return this.getNodeParameter('simplify', itemIndex, true)
		? limited.map(simplifyBlock)
		: (limited as IDataObject[]);
}
