// One delivery (contract §6): verified before anything else happens; a refusal is answered here
// and starts no workflow.
import type {
	IDataObject,
	IHookFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { ALL_EVENTS, type Registration } from './description';
import { callEnded, replayMemoryFor, type TriggerScope } from './replayMemory';
import type { SubscriptionState } from './subscription';
import { LIFTED_DATA_FIELDS, type Delivery } from './verification/payload';
import { DEFAULT_TOLERANCE_SECONDS } from './verification/timestampWindow';
import { verifyDelivery, type DeliveryRequest } from './verification/verifyDelivery';

function headerOf(value: string | string[] | undefined): string | undefined {
	// a repeated header is not something the platform sends; refuse to pick one
	if (Array.isArray(value)) return value.length === 1 ? value[0] : '';
	return value;
}

/** This trigger as its replay memory sees it, in a webhook call or an activation. */
export function triggerScope(context: IWebhookFunctions | IHookFunctions): TriggerScope {
	const options = context.getNodeParameter('options', {}) as { timestampTolerance?: number };
	return {
		// Stryker disable next-line StringLiteral: any stand-in for an unsaved workflow's missing ID names the same entry
		id: `${context.getWorkflow().id ?? ''}:${context.getNode().id}`,
		state: context.getWorkflowStaticData('node'),
		toleranceSeconds: options.timestampTolerance ?? DEFAULT_TOLERANCE_SECONDS,
	};
}

/** The secret deliveries are signed with: the subscription's own, or in Manual the client's. */
async function signingSecret(context: IWebhookFunctions): Promise<string> {
	const registration = context.getNodeParameter('registration', 'automatic') as Registration;
	if (registration === 'automatic') {
		const state = context.getWorkflowStaticData('node') as SubscriptionState;
		return state.subscriptionSecret ?? '';
	}
	// Stryker disable next-line all: unreachable, activation refuses Manual with an API key (subscription.ts)
	if (context.getNodeParameter('authentication', 'oAuth2') !== 'oAuth2') return '';
	const credentials = await context.getCredentials('autoGptOAuth2Api');
	// Stryker disable next-line StringLiteral: unreachable, activation refuses Manual without a webhook secret
	return typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
}

/** Why a verified delivery starts nothing, if it does not. */
function ignoreReason(context: IWebhookFunctions, delivery: Delivery): string | undefined {
	const events = context.getNodeParameter('events', []) as string[];
	if (!events.includes(ALL_EVENTS) && !events.includes(delivery.event)) {
		return 'event not subscribed';
	}
	const agentId = (context.getNodeParameter('agentId', '') as string).trim();
	if (agentId && 'agent_id' in delivery.data && delivery.data.agent_id !== agentId) {
		return 'other agent';
	}
	return undefined;
}

/** `event`, `timestamp`, the data fields the contract names at top level, and `data` as sent. */
export function deliveryItem(delivery: Delivery): IDataObject {
	const data = delivery.data as IDataObject;
	const item: IDataObject = { event: delivery.event, timestamp: delivery.timestamp };
	for (const field of LIFTED_DATA_FIELDS) {
		if (field in data) item[field] = data[field];
	}
	item.data = data;
	return item;
}

/** The body bytes and the two headers a delivery is verified by (also Wait Mode "Webhook"'s calls). */
export async function deliveryRequest(context: IWebhookFunctions): Promise<DeliveryRequest> {
	const request = context.getRequestObject();
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		await request.readRawBody();
	}
	return {
		rawBody: request.rawBody,
		signatureHeader: headerOf(request.headers['x-webhook-signature']),
		timestampHeader: headerOf(request.headers['x-webhook-timestamp']),
	};
}

export async function receiveDelivery(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const response = this.getResponseObject();
	const request = await deliveryRequest(this);

	const trigger = triggerScope(this);
	const secret = await signingSecret(this);
	const verdict = verifyDelivery(request, {
		secret,
		toleranceSeconds: trigger.toleranceSeconds,
		nowMs: Date.now(),
		replayGuard: replayMemoryFor(trigger),
	});

	if (!verdict.accepted) {
		response.status(verdict.status).json({ error: verdict.reason });
		return { noWebhookResponse: true };
	}

	// n8n starts the run after this returns, then answers the platform. When it cannot (its
	// database or, in queue mode, Redis unavailable, a webhook process shutting down) it answers
	// 5xx, and the platform sends the delivery again: that copy must not be refused as a replay, or
	// the delivery is lost. So the replay memory hears how the call was answered once it has ended
	// (the connection closes after the answer, or before it when the platform gives up waiting);
	// an ignored delivery is answered here, 200, and stays remembered.
	const { replayKey } = verdict;
	response.once('close', () =>
		callEnded(
			trigger,
			replayKey,
			() => (response.writableEnded ? response.statusCode : undefined),
			Date.now(),
		),
	);

	const ignored = ignoreReason(this, verdict.delivery);
	if (ignored) {
		response.status(200).json({ received: true, ignored });
		return { noWebhookResponse: true };
	}

	return { workflowData: [this.helpers.returnJsonArray([deliveryItem(verdict.delivery)])] };
}
