import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export const blockIdField: INodeProperties = {
	displayName: 'Block',
	name: 'blockId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description: 'The AutoGPT block to run',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchBlocks', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. b1ab9b19-67a6-406d-abf5-2dba76d00c79',
		},
	],
};

export function readBlockId(this: IExecuteFunctions, itemIndex: number): string {
	const blockId = String(
		this.getNodeParameter('blockId', itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	if (!blockId) {
		throw new NodeOperationError(this.getNode(), 'Block is empty', {
			itemIndex,
			description: 'Choose a block from the list or enter its ID (from Block → Get Many).',
		});
	}
	return blockId;
}
