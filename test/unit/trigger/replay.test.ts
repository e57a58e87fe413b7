// Replays and deep bodies through the AutoGPT Trigger as n8n runs it (n8n-core's contexts, static
// data loaded for every call and saved after it, a restart that keeps only what n8n saved), in
// Manual registration: every trigger on the credential verifies with the OAuth client's one
// webhook secret. Deliveries are written and signed with the sandbox's Python-exact JSON.
import { randomUUID } from 'crypto';

import { nestedDelivery } from '../../helpers/nestedDelivery';
import { oauthCredentials, TestCredentialsHelper } from '../../helpers/workflow';
import { canonicalJson, signatureHeader, wireJson } from '../../sandbox/canonical';
import { pythonIsoformat } from '../../sandbox/clock';
import {
	restartN8n,
	sendThenGiveUp,
	startTriggerHarness,
	type TriggerHarness,
} from './support/triggerHarness';

// a restart loads the node's modules again, which takes seconds on a busy machine
jest.setTimeout(120_000);

const clientSecret = 'whsec_client_of_every_manual_trigger';
const harnesses: TriggerHarness[] = [];

afterAll(async () => {
	await Promise.all(harnesses.map(async (harness) => await harness.close()));
});

async function manualTrigger(
	startsRun?: () => boolean | Promise<boolean>,
): Promise<TriggerHarness> {
	const harness = await startTriggerHarness({
		startsRun,
		parameters: { authentication: 'oAuth2', registration: 'manual', events: ['*'] },
		credentials: new TestCredentialsHelper({
			autoGptOAuth2Api: oauthCredentials({
				platformUrl: 'http://127.0.0.1:9',
				clientId: 'client',
				clientSecret: 'client-secret',
				accessToken: 'unused',
				webhookSecret: clientSecret,
			}),
		}),
	});
	harnesses.push(harness);
	await harness.activate();
	return harness;
}

/** A delivery as the reference platform sends it: Python's wire JSON, canonical form signed. */
function signedDelivery(payload: unknown = completed()) {
	const body = wireJson(payload);
	const signature = signatureHeader(clientSecret, canonicalJson(payload));
	return {
		body,
		/** The headers of a copy sent now: the header timestamp is not signed, a replayer sets it fresh. */
		headers: () => ({
			'x-webhook-signature': signature,
			'x-webhook-timestamp': pythonIsoformat(Date.now()),
		}),
	};
}

function completed() {
	return {
		event: 'execution.completed',
		timestamp: pythonIsoformat(Date.now()),
		data: {
			execution_id: randomUUID(),
			agent_id: 'agent-1',
			status: 'completed',
			outputs: { text: ['Grüße'] },
		},
	};
}

describe('a replay is the same signed body under the same secret, wherever it arrives', () => {
	it('a delivery accepted by one Manual trigger is refused by another on the same credential', async () => {
		const [first, second] = [await manualTrigger(), await manualTrigger()];
		const delivery = signedDelivery();

		expect(await first.post(delivery.body, delivery.headers())).toMatchObject({ status: 200 });
		const copy = await second.post(delivery.body, delivery.headers());

		expect(copy).toMatchObject({ status: 401, body: { error: 'replayed delivery' } });
		expect(copy.started).toBeUndefined();
		expect([first.runs.length, second.runs.length]).toEqual([1, 0]);
	});

	it('another delivery under the same secret is not a replay', async () => {
		const [first, second] = [await manualTrigger(), await manualTrigger()];
		const [one, other] = [signedDelivery(), signedDelivery()];

		expect(await first.post(one.body, one.headers())).toMatchObject({ status: 200 });
		expect(await second.post(other.body, other.headers())).toMatchObject({ status: 200 });
	});
});

describe('replays after n8n restarts', () => {
	it('refuses a replay inside the window after a restart: the trigger keeps it in its static data', async () => {
		const trigger = await manualTrigger();
		const delivery = signedDelivery();
		expect(await trigger.post(delivery.body, delivery.headers())).toMatchObject({ status: 200 });

		await trigger.restart();
		const copy = await trigger.post(delivery.body, delivery.headers());

		expect(copy).toMatchObject({ status: 401, body: { error: 'replayed delivery' } });
		expect(trigger.runs).toHaveLength(1);
		// what is kept names no secret and no payload
		const saved = JSON.stringify(trigger.staticData());
		expect(saved).not.toContain(clientSecret);
		expect(saved).not.toContain(delivery.body.slice(0, 40));
	});

	it('after a restart, a delivery accepted by one trigger is still refused by another', async () => {
		const [first, second] = [await manualTrigger(), await manualTrigger()];
		const delivery = signedDelivery();
		expect(await first.post(delivery.body, delivery.headers())).toMatchObject({ status: 200 });

		await restartN8n([first, second]);
		const copy = await second.post(delivery.body, delivery.headers());

		expect(copy).toMatchObject({ status: 401, body: { error: 'replayed delivery' } });
		expect(second.runs).toHaveLength(0);
	});

	it('a delivery the trigger ignored (event not chosen) is still a replay after a restart', async () => {
		const trigger = await manualTrigger();
		trigger.setParameters({
			authentication: 'oAuth2',
			registration: 'manual',
			events: ['execution.failed'],
		});
		const ignored = signedDelivery();
		const failed = signedDelivery({
			event: 'execution.failed',
			timestamp: pythonIsoformat(Date.now()),
			data: { execution_id: randomUUID(), agent_id: 'agent-1', status: 'failed', error: 'boom' },
		});
		expect(await trigger.post(ignored.body, ignored.headers())).toMatchObject({
			status: 200,
			body: { ignored: 'event not subscribed' },
		});
		// a later call's saved state replaces the earlier one's
		expect(await trigger.post(failed.body, failed.headers())).toMatchObject({ status: 200 });

		await trigger.restart();
		const copy = await trigger.post(ignored.body, ignored.headers());

		expect(copy).toMatchObject({ status: 401, body: { error: 'replayed delivery' } });
	});

	it('a refused delivery leaves the static data as it was (n8n writes nothing for it)', async () => {
		const trigger = await manualTrigger();
		const delivery = signedDelivery();
		await trigger.post(delivery.body, delivery.headers());
		const saved = JSON.stringify(trigger.staticData());

		await trigger.post(delivery.body, delivery.headers());
		await trigger.post(delivery.body, {
			...delivery.headers(),
			'x-webhook-signature': 'sha256=' + '0'.repeat(64),
		});

		expect(JSON.stringify(trigger.staticData())).toBe(saved);
	});
});

/**
 * Whether n8n starts each accepted delivery's run, decided call by call: `hold()` makes the next
 * call wait, with its run not yet started, until the test decides.
 */
function runStarts() {
	const pending: Array<{ arrive: () => void; answer: Promise<boolean> }> = [];
	return {
		startsRun: async () => {
			const next = pending.shift();
			if (!next) return true;
			next.arrive();
			return await next.answer;
		},
		hold() {
			let arrive!: () => void;
			let decide!: (starts: boolean) => void;
			const reached = new Promise<void>((resolve) => (arrive = resolve));
			const answer = new Promise<boolean>((resolve) => (decide = resolve));
			pending.push({ arrive, answer });
			return { reached, decide };
		},
	};
}

describe('a delivery whose run n8n could not start, while another call was under way', () => {
	// n8n saves each call's static data after the call: a call that ends first must not save the
	// key of one still under way, whose run may yet fail (n8n then answers 5xx and saves nothing).
	async function failedBesideAnother(restartBetween: boolean) {
		const control = runStarts();
		const trigger = await manualTrigger(control.startsRun);
		const [failing, neighbour] = [signedDelivery(), signedDelivery()];

		const failingCall = control.hold();
		const first = trigger.post(failing.body, failing.headers());
		await failingCall.reached;
		expect(await trigger.post(neighbour.body, neighbour.headers())).toMatchObject({
			status: 200,
		});
		failingCall.decide(false);
		expect(await first).toMatchObject({ status: 500 });
		if (restartBetween) await trigger.restart();

		const nextAttempt = await trigger.post(failing.body, failing.headers());
		return { trigger, nextAttempt };
	}

	it("the platform's next attempt starts its run", async () => {
		const { trigger, nextAttempt } = await failedBesideAnother(false);

		expect(nextAttempt).toMatchObject({ status: 200 });
		expect(trigger.runs).toHaveLength(2);
	});

	it("the platform's next attempt starts its run after a restart too", async () => {
		const { trigger, nextAttempt } = await failedBesideAnother(true);

		expect(nextAttempt).toMatchObject({ status: 200 });
		expect(trigger.runs).toHaveLength(2);
	});

	it('a delivery answered while another call was under way is refused after a restart, whichever call n8n saved last', async () => {
		const control = runStarts();
		const trigger = await manualTrigger(control.startsRun);
		const [answered, neighbour] = [signedDelivery(), signedDelivery()];

		const answeredCall = control.hold();
		const neighbourCall = control.hold();
		const first = trigger.post(answered.body, answered.headers());
		await answeredCall.reached;
		const second = trigger.post(neighbour.body, neighbour.headers());
		await neighbourCall.reached;
		answeredCall.decide(true);
		expect(await first).toMatchObject({ status: 200 });
		// the neighbour's state was written before the first call was answered; n8n saves it last
		neighbourCall.decide(true);
		expect(await second).toMatchObject({ status: 200 });

		await trigger.restart();
		const copy = await trigger.post(answered.body, answered.headers());

		expect(copy).toMatchObject({ status: 401, body: { error: 'replayed delivery' } });
		expect(trigger.runs).toHaveLength(2);
	});
});

describe('a delivery whose sender gave up before n8n answered', () => {
	it("n8n never queued its run: the platform's next attempt starts it", async () => {
		const control = runStarts();
		const trigger = await manualTrigger(control.startsRun);
		const delivery = signedDelivery();
		// n8n holds the call and never answers it (its queue unavailable)
		await sendThenGiveUp(trigger, delivery.body, delivery.headers(), control.hold().reached);

		const nextAttempt = await trigger.post(delivery.body, delivery.headers());

		expect(nextAttempt).toMatchObject({ status: 200 });
		expect(trigger.runs).toHaveLength(1);
	});

	it('n8n answered 2xx after the sender gave up: a copy is a replay', async () => {
		const control = runStarts();
		const trigger = await manualTrigger(control.startsRun);
		const delivery = signedDelivery();
		const held = control.hold();
		const call = await sendThenGiveUp(trigger, delivery.body, delivery.headers(), held.reached);
		held.decide(true);
		await call.done;

		const copy = await trigger.post(delivery.body, delivery.headers());

		expect(copy).toMatchObject({ status: 401, body: { error: 'replayed delivery' } });
		expect(trigger.runs).toHaveLength(1);
	});
});

describe('deep bodies', () => {
	function deepDelivery(levels: number) {
		const { wire, canonical } = nestedDelivery(levels, {
			timestamp: pythonIsoformat(Date.now()),
			executionId: randomUUID(),
			agentId: 'agent-1',
		});
		return { body: wire, canonical };
	}

	it('starts the workflow for a body as deep as Python writes (995 levels)', async () => {
		const trigger = await manualTrigger();
		const { body, canonical } = deepDelivery(995);
		const call = await trigger.post(body, {
			'x-webhook-signature': signatureHeader(clientSecret, canonical),
			'x-webhook-timestamp': pythonIsoformat(Date.now()),
		});
		expect(call).toMatchObject({ status: 200 });
		expect(trigger.runs).toHaveLength(1);
	});

	it.each([
		['1,001 levels, canonical-signed', 1_001, 'canonical'],
		['10,000 levels, canonical-signed', 10_000, 'canonical'],
		['10,000 levels, raw-signed', 10_000, 'raw'],
	] as const)(
		'answers 400 to an authentic body nested deeper than 1000 levels (%s), starts nothing, never throws',
		async (_name, levels, form) => {
			const trigger = await manualTrigger();
			const { body, canonical } = deepDelivery(levels);
			const call = await trigger.post(body, {
				'x-webhook-signature': signatureHeader(clientSecret, form === 'raw' ? body : canonical),
				'x-webhook-timestamp': pythonIsoformat(Date.now()),
			});
			expect(call).toMatchObject({
				status: 400,
				body: { error: 'body is nested deeper than 1000 levels' },
			});
			expect(call.threw).toBeUndefined();
			expect(trigger.runs).toHaveLength(0);
		},
	);
});
