import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	beginCallbackWait,
	prepareCallbackWait,
	receiveCallback,
	resumeWebhooks,
} from './actions/agent/webhookWait';
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
		// Wait Mode "Webhook": AutoGPT's calls to this execution's resume URL.
		webhooks: resumeWebhooks,
		waitingNodeTooltip:
			'={{ $parameter["waitMode"] === "webhook" ? "Waiting for AutoGPT to call back as each agent run ends" : "" }}',
		properties: [
			...toolDescriptionProperties,
			authenticationProperty,
			...resourceProperties,
			maxResultCharactersProperty,
		],
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const callbackWait = await prepareCallbackWait.call(this);
		const output = await router.call(this);
		return callbackWait ? await beginCallbackWait.call(this, callbackWait, output) : output;
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback.call(this);
	}
}
