import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listIntegrationCredentials } from '../../transport/profiles/liveV1';
import { readLimit, returnAllFields } from '../listFields';

const properties: INodeProperties[] = [
	...returnAllFields,
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'string',
		default: '',
		placeholder: 'e.g. github',
		description: 'Only the credentials of this provider. Leave empty for all.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['integrationCredential'], operation: ['getAll'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	// The platform does not paginate credentials: Limit is applied here.
	const provider = String(this.getNodeParameter('provider', itemIndex, '')).trim();
	const credentials = await listIntegrationCredentials.call(this, provider || undefined, itemIndex);
	return credentials.slice(0, readLimit.call(this, itemIndex)) as IDataObject[];
}
