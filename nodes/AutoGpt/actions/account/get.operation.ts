import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getAccount } from '../../transport/profiles/liveV1';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await getAccount.call(this, itemIndex);
}
