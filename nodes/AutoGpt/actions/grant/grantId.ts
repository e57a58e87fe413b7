import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export const grantIdField: INodeProperties = {
	displayName: 'Grant',
	name: 'grantId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description: 'The credential grant',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchGrants', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 7a1b…',
		},
	],
};

export function readGrantId(this: IExecuteFunctions, itemIndex: number): string {
	const grantId = String(
		this.getNodeParameter('grantId', itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	if (!grantId) {
		throw new NodeOperationError(
			this.getNode(),
			'Grant is empty: choose a grant from the list or enter its ID (from Grant → Get Many)',
			{
				itemIndex,
				description: 'Choose a grant from the list or enter its ID (from Grant → Get Many).',
			},
		);
	}
	return grantId;
}
