// Which verified deliveries start the workflow: the trigger in Manual registration (no platform
// needed) with n8n-core's own webhook context, deliveries signed with the client's webhook secret.
import type { IDataObject } from 'n8n-workflow';

import { AutoGptTrigger } from '../../../nodes/AutoGpt/AutoGptTrigger.node';
import { signatureHeaderFor } from '../../../nodes/AutoGpt/trigger/verification/signature';
import { oauthCredentials, TestCredentialsHelper } from '../../helpers/workflow';
import { startTriggerHarness, type TriggerHarness } from './support/triggerHarness';

const WEBHOOK_SECRET = 'whsec_events_unit';
const AGENT = 'agent-7';

const DATA: Record<string, IDataObject> = {
	'execution.started': { execution_id: 'e-1', agent_id: AGENT, status: 'running' },
	'execution.completed': {
		execution_id: 'e-1',
		agent_id: AGENT,
		status: 'completed',
		outputs: { answer: ['42'] },
	},
	'execution.failed': { execution_id: 'e-2', agent_id: AGENT, status: 'failed', error: 'boom' },
	'grant.revoked': { grant_id: 'g-1', credential_id: 'c-1', provider: 'google' },
};

let harness: TriggerHarness;

async function trigger(parameters: IDataObject): Promise<TriggerHarness> {
	harness = await startTriggerHarness({
		parameters: { authentication: 'oAuth2', registration: 'manual', ...parameters },
		credentials: new TestCredentialsHelper({
			autoGptOAuth2Api: oauthCredentials({
				platformUrl: 'https://platform.test',
				clientId: 'client-1',
				clientSecret: 'client-secret-1',
				accessToken: 'token',
				webhookSecret: WEBHOOK_SECRET,
			}),
		}),
	});
	return harness;
}

/** Every event once, signed as the platform signs it; the events whose delivery started a run. */
async function deliverEach(target: TriggerHarness): Promise<string[]> {
	const started: string[] = [];
	for (const [event, data] of Object.entries(DATA)) {
		const now = new Date().toISOString();
		const body = JSON.stringify({ event, timestamp: now, data });
		const answer = await target.post(body, {
			'X-Webhook-Timestamp': now,
			'X-Webhook-Signature': signatureHeaderFor(WEBHOOK_SECRET, body),
		});
		expect(answer.status).toBe(200);
		if (answer.started) started.push(answer.started[0].event as string);
	}
	return started;
}

afterEach(async () => {
	await harness?.close();
});

test('All Events starts the workflow on every event the platform sends', async () => {
	expect(await deliverEach(await trigger({ events: ['*'] }))).toEqual(Object.keys(DATA));
});

test('chosen events start the workflow; the others are acknowledged and start nothing', async () => {
	const target = await trigger({ events: ['execution.failed', 'grant.revoked'] });
	expect(await deliverEach(target)).toEqual(['execution.failed', 'grant.revoked']);
	expect(target.calls.map((call) => call.body)).toEqual([
		{ received: true, ignored: 'event not subscribed' },
		{ received: true, ignored: 'event not subscribed' },
		{ message: 'Workflow was started' },
		{ message: 'Workflow was started' },
	]);
});

test('an Agent ID filters execution events only: a revoked grant carries no agent', async () => {
	const target = await trigger({ events: ['*'], agentId: ` ${AGENT}x ` });
	expect(await deliverEach(target)).toEqual(['grant.revoked']);
});

test('activation without any event chosen fails and says to choose one', async () => {
	const target = await trigger({ events: [] });
	await expect(target.activate()).rejects.toMatchObject({
		message: expect.stringContaining('Choose at least one event'),
		description: 'The trigger starts the workflow on the events chosen in Events.',
	});
});

test('the node as n8n lists it: a trigger named AutoGPT Trigger, subtitled by its events, whose webhook takes a POST and answers at once with no data', () => {
	const { description } = new AutoGptTrigger();
	expect(description).toMatchObject({
		name: 'autoGptTrigger',
		group: ['trigger'],
		subtitle: '={{$parameter["events"].join(", ")}}',
		defaults: { name: 'AutoGPT Trigger' },
		inputs: [],
		outputs: ['main'],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				path: 'webhook',
			},
		],
	});
});
