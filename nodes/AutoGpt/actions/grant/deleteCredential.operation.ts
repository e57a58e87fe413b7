import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { platformRequest } from '../../transport';
import { messageAnswer } from '../../transport/schemas';
import { grantIdField, readGrantId } from './grantId';

export const description = updateDisplayOptions(
	{ show: { resource: ['grant'], operation: ['deleteCredential'] } },
	[grantIdField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const grantId = readGrantId.call(this, itemIndex);
	await platformRequest.call(this, messageAnswer, {
		method: 'DELETE',
		path: `/grants/${encodeURIComponent(grantId)}/credential`,
		action: `Could not delete the credential of grant ${grantId}`,
		itemIndex,
	});
	return { deleted: true, grant_id: grantId };
}
