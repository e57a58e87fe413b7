import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getStoreAgent } from '../../transport/profiles/liveV1';
import { readStoreAgent, storeAgentField } from './storeAgent';

export const description = updateDisplayOptions(
	{ show: { resource: ['store'], operation: ['get'] } },
	[storeAgentField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const { creator, agentName } = readStoreAgent.call(this, itemIndex);
	return (await getStoreAgent.call(this, creator, agentName, itemIndex)) as IDataObject;
}
