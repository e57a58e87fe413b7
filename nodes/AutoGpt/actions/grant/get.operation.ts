import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { platformRequest } from '../../transport';
import { grantDetail } from '../../transport/schemas';
import { grantIdField, readGrantId } from './grantId';

export const description = updateDisplayOptions(
	{ show: { resource: ['grant'], operation: ['get'] } },
	[grantIdField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const grantId = readGrantId.call(this, itemIndex);
	return await platformRequest.call(this, grantDetail, {
		method: 'GET',
		path: `/grants/${encodeURIComponent(grantId)}`,
		action: `Could not get grant ${grantId}`,
		itemIndex,
	});
}
