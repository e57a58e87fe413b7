import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseStoreAgent } from '../../helpers/graphRef';

export const storeAgentField: INodeProperties = {
	displayName: 'Store Agent',
	name: 'storeAgent',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. creator/agent-name',
	description:
		'The agent as creator/agent-name (the creator and slug of Store → Search Agents), or its store address (…/marketplace/agent/creator/agent-name)',
};

export function readStoreAgent(this: IExecuteFunctions, itemIndex: number) {
	const ref = parseStoreAgent(String(this.getNodeParameter('storeAgent', itemIndex, '') ?? ''));
	if (!ref.ok) {
		throw new NodeOperationError(this.getNode(), 'The store agent is not valid', {
			itemIndex,
			description: ref.reason,
		});
	}
	return ref;
}
