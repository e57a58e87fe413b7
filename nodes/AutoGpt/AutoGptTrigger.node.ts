import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentialChoices } from './transport/authentication';
import { receiveDelivery } from './trigger/delivery';
import { triggerProperties } from './trigger/description';
import { checkSubscription, createSubscription, removeSubscription } from './trigger/subscription';

export class AutoGptTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AutoGPT Trigger',
		name: 'autoGptTrigger',
		icon: { light: 'file:autogptTrigger.svg', dark: 'file:autogptTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			'Starts the workflow when an AutoGPT agent run starts, completes or fails, or a grant is revoked',
		defaults: { name: 'AutoGPT Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialChoices,
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// An accepted delivery is answered 200 with an empty body.
				responseData: 'noData',
				path: 'webhook',
			},
		],
		properties: triggerProperties,
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkSubscription.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createSubscription.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await removeSubscription.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this);
	}
}
