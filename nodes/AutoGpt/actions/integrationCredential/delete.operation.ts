import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import {
	deleteIntegrationCredential,
	listIntegrationCredentials,
} from '../../transport/profiles/liveV1';

const properties: INodeProperties[] = [
	{
		displayName: 'Credential',
		name: 'credentialId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description:
			'The integration credential to delete. AutoGPT forgets it; it is not revoked at the provider.',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchIntegrationCredentials', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 0b6d1c2e-…',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['integrationCredential'], operation: ['delete'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const credentialId = String(
		this.getNodeParameter('credentialId', itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	if (!credentialId) {
		throw new NodeOperationError(this.getNode(), 'Credential is empty', {
			itemIndex,
			description:
				'Choose a credential from the list or enter its ID (from Integration Credential → Get Many).',
		});
	}
	// The delete path names the provider: it is looked up among the user's credentials.
	const found = (await listIntegrationCredentials.call(this, undefined, itemIndex)).find(
		(credential) => credential.id === credentialId,
	);
	if (!found) {
		throw new NodeOperationError(
			this.getNode(),
			`AutoGPT has no integration credential ${credentialId}`,
			{
				itemIndex,
				description:
					'It may have been deleted already. Integration Credential → Get Many lists the credentials of this account.',
			},
		);
	}
	return await deleteIntegrationCredential.call(this, found.provider, credentialId, itemIndex);
}
