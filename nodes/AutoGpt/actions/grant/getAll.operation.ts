import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { platformRequest } from '../../transport';
import { grantList } from '../../transport/schemas';

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['grant'], operation: ['getAll'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	// The platform does not paginate grants: Limit is applied here.
	const grants = await platformRequest.call(this, grantList, {
		method: 'GET',
		path: '/grants/',
		action: 'Could not list grants',
		itemIndex,
	});
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	return returnAll
		? grants
		: grants.slice(0, this.getNodeParameter('limit', itemIndex, 50) as number);
}
