import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { platformRequest } from '../../transport';
import { capabilities } from '../../transport/schemas';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await platformRequest.call(this, capabilities, {
		method: 'GET',
		path: '/executions/capabilities',
		action: 'Could not get the capabilities of this connection',
		itemIndex,
	});
}
