import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { platformRequest } from '../../transport';
import { grantList } from '../../transport/schemas';
import { readLimit, returnAllFields } from '../listFields';

const properties: INodeProperties[] = [...returnAllFields];

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
	return grants.slice(0, readLimit.call(this, itemIndex));
}
