// The subscription lifecycle of contract §7: n8n calls checkExists, then create when it answers
// false, on activation, and delete on deactivation. The subscription's id and secret live in the
// node's static data, which n8n saves with the workflow when these hooks change it.
import type { IDataObject, IHookFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import { noContent, platformRequest } from '../transport';
import { createdSubscription, subscriptionList } from '../transport/schemas';
import { assertTriggerServed } from './availability';
import { triggerScope } from './delivery';
import { subscribedEvents, type Registration } from './description';
import { restoreReplayMemory } from './replayMemory';

export interface SubscriptionState {
	subscriptionId?: string;
	subscriptionSecret?: string;
}

type Subscription = z.infer<typeof subscriptionList>[number];
type CreatedSubscription = z.infer<typeof createdSubscription>;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
	try {
		return { ok: true, value: await promise };
	} catch (error) {
		return { ok: false, error };
	}
}

function httpCodeOf(error: unknown): string | undefined {
	if (error instanceof NodeApiError) return error.httpCode ?? undefined;
	const code = (error as { httpCode?: unknown } | undefined)?.httpCode;
	return typeof code === 'string' ? code : undefined;
}

export function subscriptionState(context: IHookFunctions): SubscriptionState & IDataObject {
	return context.getWorkflowStaticData('node') as SubscriptionState & IDataObject;
}

function clearState(state: SubscriptionState & IDataObject): void {
	delete state.subscriptionId;
	delete state.subscriptionSecret;
}

function sameEvents(left: string[], right: string[]): boolean {
	const a = [...new Set(left)].sort();
	const b = [...new Set(right)].sort();
	return a.length === b.length && a.every((event, index) => event === b[index]);
}

function noSubscriptionResource(node: INode, webhookUrl: string): NodeOperationError {
	return new NodeOperationError(
		node,
		'This AutoGPT platform has no webhook subscriptions: set Registration to Manual',
		{
			description: `The platform answered that it has no /webhooks resource, so the trigger cannot subscribe itself. Set Registration to Manual, then paste this trigger's URL (${webhookUrl}) into the Webhook URL of the AutoGPT node's Execute Agent operation. Deliveries are then verified with the Webhook Secret of the AutoGPT OAuth2 credential.`,
		},
	);
}

function registrationOf(context: IHookFunctions): Registration {
	return context.getNodeParameter('registration', 'automatic') as Registration;
}

function webhookUrlOf(context: IHookFunctions): string {
	const url = context.getNodeWebhookUrl('default');
	// Stryker disable next-line StringLiteral: unreachable, n8n gives every webhook of an active node a URL
	if (!url) throw new NodeOperationError(context.getNode(), 'n8n gave this trigger no webhook URL');
	return url;
}

function eventsOf(context: IHookFunctions): string[] {
	const events = subscribedEvents(context.getNodeParameter('events', []) as string[]);
	if (events.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Choose at least one event', {
			description: 'The trigger starts the workflow on the events chosen in Events.',
		});
	}
	return events;
}

/** Manual registration verifies with the OAuth client's webhook secret, held by the credential. */
async function assertManualSecret(context: IHookFunctions): Promise<void> {
	const authentication = context.getNodeParameter('authentication', 'oAuth2') as string;
	if (authentication !== 'oAuth2') {
		throw new NodeOperationError(
			context.getNode(),
			'Manual registration needs the AutoGPT OAuth2 credential',
			{
				description:
					"In Manual registration, deliveries are signed with the OAuth client's webhook secret, and an API key has none (the platform refuses a webhook URL on executions started with an API key). Set Authentication to OAuth2 and fill in the credential's Webhook Secret, or set Registration to Automatic.",
			},
		);
	}
	const credentials = await context.getCredentials('autoGptOAuth2Api');
	// n8n hands every field of a credential, an empty one as ''.
	if (!credentials.webhookSecret) {
		throw new NodeOperationError(
			context.getNode(),
			'The Webhook Secret of the AutoGPT OAuth2 credential is empty',
			{
				description:
					"In Manual registration every delivery is verified with the OAuth client's webhook secret. Copy it from the client's registration into the credential's Webhook Secret field, or set Registration to Automatic.",
			},
		);
	}
}

async function deleteSubscription(context: IHookFunctions, id: string): Promise<Settled<unknown>> {
	const result = await settle(
		platformRequest.call(context, noContent, {
			method: 'DELETE',
			path: `/webhooks/${encodeURIComponent(id)}`,
			action: 'Could not remove the AutoGPT webhook subscription',
		}),
	);
	// already gone is what we wanted
	if (!result.ok && httpCodeOf(result.error) === '404') return { ok: true, value: undefined };
	return result;
}

/**
 * True when this node's subscription is on the platform with this URL and these events. Otherwise
 * every subscription at this URL is removed (a secret that is not ours cannot verify anything, and
 * would only double every delivery) and the state cleared, so that `create` starts afresh: this is
 * how a subscription lost on the platform side is recreated.
 */
export async function checkSubscription(this: IHookFunctions): Promise<boolean> {
	await assertTriggerServed(this);
	// n8n calls this for every active trigger when it starts: the deliveries this trigger accepted
	// before a restart become replays again at every trigger of the process.
	restoreReplayMemory(triggerScope(this), Date.now());
	const events = eventsOf(this);
	if (registrationOf(this) === 'manual') {
		await assertManualSecret(this);
		return true;
	}
	const webhookUrl = webhookUrlOf(this);
	const state = subscriptionState(this);

	const listed = await settle<Subscription[]>(
		platformRequest.call(this, subscriptionList, {
			method: 'GET',
			path: '/webhooks',
			action: 'Could not list the AutoGPT webhook subscriptions',
		}),
	);
	if (!listed.ok) {
		const httpCode = httpCodeOf(listed.error);
		if (httpCode === '404' || httpCode === '405')
			throw noSubscriptionResource(this.getNode(), webhookUrl);
		throw listed.error;
	}

	const ours = listed.value.find((subscription) => subscription.id === state.subscriptionId);
	if (
		ours &&
		state.subscriptionSecret &&
		ours.url === webhookUrl &&
		sameEvents(ours.events, events)
	) {
		return true;
	}

	const stale = listed.value.filter(
		(subscription) => subscription.url === webhookUrl || subscription.id === state.subscriptionId,
	);
	for (const subscription of stale) {
		const removed = await deleteSubscription(this, subscription.id);
		if (!removed.ok) throw removed.error;
	}
	clearState(state);
	return false;
}

export async function createSubscription(this: IHookFunctions): Promise<boolean> {
	await assertTriggerServed(this);
	const events = eventsOf(this);
	// Unreachable through n8n, which calls create only when checkExists answered false, and
	// checkExists answers true in Manual: kept so that Manual never subscribes.
	// Stryker disable all
	if (registrationOf(this) === 'manual') {
		await assertManualSecret(this);
		return true;
	}
	// Stryker restore all
	const webhookUrl = webhookUrlOf(this);
	const created = await settle<CreatedSubscription>(
		platformRequest.call(this, createdSubscription, {
			method: 'POST',
			path: '/webhooks',
			body: { url: webhookUrl, events },
			action: 'Could not subscribe the trigger to AutoGPT events',
		}),
	);
	if (!created.ok) {
		const httpCode = httpCodeOf(created.error);
		if (httpCode === '404' || httpCode === '405')
			throw noSubscriptionResource(this.getNode(), webhookUrl);
		throw created.error;
	}

	const state = subscriptionState(this);
	state.subscriptionId = created.value.id;
	state.subscriptionSecret = created.value.secret;
	// Stryker disable next-line BooleanLiteral: n8n ignores what create returns
	return true;
}

/**
 * Removes the subscription the static data names, whatever Registration says now (the user may
 * have switched to Manual since it was made). False, with the state kept, when the platform
 * failed: the next activation finds the subscription again, or removes it.
 */
export async function removeSubscription(this: IHookFunctions): Promise<boolean> {
	const state = subscriptionState(this);
	if (state.subscriptionId) {
		const removed = await deleteSubscription(this, state.subscriptionId);
		if (!removed.ok) {
			// Stryker disable next-line StringLiteral,ObjectLiteral: log words; false and the kept state are tested
			this.logger.warn(
				'Could not remove the AutoGPT webhook subscription; it is kept for the next activation',
				{
					subscriptionId: state.subscriptionId,
					error: (removed.error as Error | undefined)?.message,
				},
			);
			return false;
		}
	}
	clearState(state);
	return true;
}
