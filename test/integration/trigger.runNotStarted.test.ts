// A delivery the trigger accepted, but whose run n8n could not start (database or, in queue mode,
// Redis unavailable, a webhook process shutting down): n8n answers 500, the platform sends the same
// delivery again (contract §6: after 5 s, 30 s, 300 s), and that copy must start the run, once.
import { startSandbox, type Sandbox } from '../sandbox/server';
import { apiKeyCredentials, TestCredentialsHelper } from '../helpers/workflow';
import { startTriggerHarness, type TriggerHarness } from '../unit/trigger/support/triggerHarness';

jest.setTimeout(30_000);

let sandbox: Sandbox;
let trigger: TriggerHarness;
/** How many of the next accepted deliveries n8n cannot start a run for. */
let runsRefused = 0;

const admin = async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
	const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return (text ? JSON.parse(text) : undefined) as T;
};

beforeAll(async () => {
	// The platform's retry schedule, 5 s, 30 s, 300 s, shortened a hundredfold; the time it waits
	// for an answer (30 s with that factor) leaves a busy machine room to answer the first attempt.
	sandbox = await startSandbox({
		config: { retryDelaysSeconds: [5, 30, 300], timeFactor: 0.01, deliveryTimeoutSeconds: 3000 },
	});
	trigger = await startTriggerHarness({
		parameters: {
			authentication: 'apiKey',
			events: ['execution.completed'],
			registration: 'automatic',
		},
		credentials: new TestCredentialsHelper({
			autoGptApi: apiKeyCredentials(sandbox.info.apiKey, sandbox.url, sandbox.info.apiUrl),
		}),
		startsRun: () => {
			if (runsRefused === 0) return true;
			runsRefused--;
			return false;
		},
	});
	await trigger.activate();
});

afterAll(async () => {
	await trigger?.close();
	await sandbox?.stop();
});

test('the run n8n could not start comes with the platform’s retry, exactly once; a later copy is still a replay', async () => {
	const [subscription] = await admin<Array<{ url: string; secret: string }>>('GET', '/webhooks');
	const data = {
		execution_id: 'e0b4c1d2-0000-4000-8000-000000000001',
		agent_id: sandbox.info.agents.echo,
		status: 'completed',
		outputs: { answer: ['42'] },
	};
	// n8n cannot start the run of the first attempt, and is back for the retry.
	runsRefused = 1;
	const receipt = await admin<{ delivery_id: string }>('POST', '/deliver', {
		url: subscription.url,
		event: 'execution.completed',
		data,
		secret: subscription.secret,
	});
	await sandbox.deliveriesSettled();

	const attempts = (
		await admin<Array<{ delivery_id: string; status: number | null }>>('GET', '/deliveries')
	).filter((attempt) => attempt.delivery_id === receipt.delivery_id);
	expect(attempts.map((attempt) => attempt.status)).toEqual([500, 200]);
	expect(trigger.runs).toHaveLength(1);
	expect(trigger.runs[0][0]).toMatchObject({ execution_id: data.execution_id });

	// Once a run started, the same signed bytes are a replay again.
	await admin('POST', `/deliveries/${receipt.delivery_id}/resend`);
	await sandbox.deliveriesSettled();
	expect(trigger.calls.at(-1)?.status).toBe(401);
	expect(trigger.runs).toHaveLength(1);
});
