import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { resourceProperties } from './actions/resources';
import { router } from './actions/router';
import { maxResultCharactersProperty, toolDescriptionProperties } from './actions/toolUse';
import { listSearch, loadOptions } from './methods';
import { authenticationProperty, credentialChoices } from './transport/authentication';

export class AutoGpt implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AutoGPT',
		name: 'autoGpt',
		icon: { light: 'file:autogpt.svg', dark: 'file:autogpt.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Run AutoGPT agents and manage credential grants',
		defaults: { name: 'AutoGPT' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialChoices,
		properties: [
			...toolDescriptionProperties,
			authenticationProperty,
			...resourceProperties,
			maxResultCharactersProperty,
		],
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
