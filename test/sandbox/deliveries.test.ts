// Contract §6 (webhook deliveries) and §7 (subscriptions): headers, both signature modes checked
// against python3's own json.dumps, retries, and the subscription resource.
import type { Sandbox } from './server';
import {
	admin,
	bearer,
	call,
	getTokens,
	hmacHex,
	postJson,
	PYTHON_ISO,
	pythonCanonical,
	pythonWire,
	type Receiver,
	startReceiver,
	startTestSandbox,
	type TokenSet,
	waitUntil,
} from './testkit';

let sandbox: Sandbox;
let tokens: TokenSet;
let receiver: Receiver;

beforeAll(async () => {
	// Retries come fast (5 s × 0.01); an answer is awaited 30 s of real time, so that a busy machine
	// answering late does not turn into a timeout the test did not ask for.
	sandbox = await startTestSandbox({ timeFactor: 0.01, deliveryTimeoutSeconds: 3000 });
});
afterAll(() => sandbox.stop());
beforeEach(async () => {
	await admin(sandbox, 'POST', 'reset');
	tokens = await getTokens(sandbox);
	receiver = await startReceiver();
});
afterEach(() => receiver.close());

const auth = () => bearer(tokens.access_token);
const execute = (agent: string, inputs: Record<string, unknown>, webhookUrl?: string) =>
	postJson(
		`${sandbox.apiUrl}/executions/agents/${sandbox.info.agents[agent]}/execute`,
		{ inputs, webhook_url: webhookUrl ?? null },
		auth(),
	);

describe('§6 deliveries', () => {
	it('sends execution.started and execution.completed with the headers of §6', async () => {
		const run = await execute('echo', { greeting: 'hi' }, receiver.url);
		await waitUntil(() => receiver.received.length >= 2);
		const [started, completed] = receiver.received.map((delivery) => ({
			...delivery,
			payload: JSON.parse(delivery.body),
		}));

		for (const delivery of [started, completed]) {
			expect(delivery.headers['content-type']).toBe('application/json');
			expect(delivery.headers['user-agent']).toBe('AutoGPT-Webhook/1.0');
			expect(delivery.headers['x-webhook-timestamp']).toMatch(PYTHON_ISO);
			expect(delivery.headers['x-webhook-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
			expect(Object.keys(delivery.payload)).toEqual(['event', 'timestamp', 'data']);
			expect(delivery.payload.timestamp).toMatch(PYTHON_ISO);
		}
		expect(started.payload.event).toBe('execution.started');
		expect(started.payload.data).toEqual({
			execution_id: run.json.execution_id,
			agent_id: sandbox.info.agents.echo,
			status: 'running',
		});
		expect(completed.payload.event).toBe('execution.completed');
		expect(completed.payload.data).toEqual({
			execution_id: run.json.execution_id,
			agent_id: sandbox.info.agents.echo,
			status: 'completed',
			outputs: { greeting: ['hi'] },
		});
	});

	it('canonical mode (default): the signature is over Python’s sorted compact JSON, not the wire bytes', async () => {
		// Written by hand: JSON.stringify would turn 1.0 into 1, and the platform keeps Python floats.
		const body = `{"inputs": {"zébra": "naïve ☃ 😀", "alpha": [1.5, 1.0, 1e-7, {"b": true, "a": null}]}, "webhook_url": "${receiver.url}"}`;
		const run = await call(
			`${sandbox.apiUrl}/executions/agents/${sandbox.info.agents.echo}/execute`,
			{
				method: 'POST',
				headers: { ...auth(), 'content-type': 'application/json' },
				body,
			},
		);
		expect(run.status).toBe(200);
		await waitUntil(() => receiver.received.length >= 2);
		for (const delivery of receiver.received) {
			// The wire body is Python's default json.dumps: a round trip through python3 changes nothing.
			expect(delivery.body).toBe(pythonWire(delivery.body));
			expect(delivery.body).toContain('", "');
			expect(delivery.body).not.toMatch(/[^\x20-\x7e]/);
			const signature = delivery.headers['x-webhook-signature'];
			expect(signature).toBe(hmacHex(sandbox.info.webhookSecret, pythonCanonical(delivery.body)));
			expect(signature).not.toBe(hmacHex(sandbox.info.webhookSecret, delivery.body));
		}
		const completed = JSON.parse(receiver.received[1].body);
		expect(completed.data.outputs['zébra']).toEqual(['naïve ☃ 😀']);
		expect(receiver.received[1].body).toContain(
			'"alpha": [[1.5, 1.0, 1e-07, {"b": true, "a": null}]]',
		);
	});

	it('raw mode: the signature is over the exact bytes on the wire', async () => {
		await admin(sandbox, 'POST', 'config', { signatureMode: 'raw' });
		await execute('echo', { text: 'naïve' }, receiver.url);
		await waitUntil(() => receiver.received.length >= 2);
		for (const delivery of receiver.received) {
			expect(delivery.headers['x-webhook-signature']).toBe(
				hmacHex(sandbox.info.webhookSecret, delivery.body),
			);
		}
		const log = (await admin(sandbox, 'GET', 'deliveries')).json;
		expect(log.map((entry: { signature_mode: string }) => entry.signature_mode)).toEqual([
			'raw',
			'raw',
		]);
	});

	it('sends execution.failed with the error', async () => {
		const run = await execute('failing', { message: 'no luck' }, receiver.url);
		await waitUntil(() => receiver.received.length >= 2);
		expect(JSON.parse(receiver.received[1].body)).toMatchObject({
			event: 'execution.failed',
			data: {
				execution_id: run.json.execution_id,
				agent_id: sandbox.info.agents.failing,
				status: 'failed',
				error: 'no luck',
			},
		});
	});

	it('retries a failed delivery after 5 s, 30 s, 300 s (times timeFactor), same bytes each time', async () => {
		await admin(sandbox, 'POST', 'config', { timeFactor: 0.002, deliveryTimeoutSeconds: 15_000 });
		receiver.answers.push(500, 503, 500, 500);
		await admin(sandbox, 'POST', 'deliver', {
			url: receiver.url,
			event: 'execution.completed',
			data: { execution_id: 'x', agent_id: 'y', status: 'completed', outputs: {} },
			secret: 'whsec_test',
		});
		await waitUntil(() => receiver.received.length >= 4);
		await sandbox.deliveriesSettled();
		expect(receiver.received).toHaveLength(4); // the first try and three retries, no more

		const gaps = receiver.received
			.slice(1)
			.map((delivery, index) => delivery.at - receiver.received[index].at);
		expect(gaps[0]).toBeGreaterThanOrEqual(10 - 3);
		expect(gaps[1]).toBeGreaterThanOrEqual(60 - 3);
		expect(gaps[2]).toBeGreaterThanOrEqual(600 - 3);
		expect(new Set(receiver.received.map((delivery) => delivery.body)).size).toBe(1);
		expect(
			new Set(receiver.received.map((delivery) => delivery.headers['x-webhook-signature'])).size,
		).toBe(1);

		const log = (await admin(sandbox, 'GET', 'deliveries')).json;
		expect(
			log.map((entry: { attempt: number; status: number | null }) => [entry.attempt, entry.status]),
		).toEqual([
			[1, 500],
			[2, 503],
			[3, 500],
			[4, 500],
		]);
	});

	it('a delivery that gets no answer times out and is tried again', async () => {
		// 300 s × 0.01 = 3 s of silence, then the first retry 50 ms later.
		await admin(sandbox, 'POST', 'config', { deliveryTimeoutSeconds: 300 });
		receiver.answers.push(null);
		await admin(sandbox, 'POST', 'deliver', {
			url: receiver.url,
			event: 'grant.revoked',
			data: {},
			secret: 'whsec_x',
		});
		await waitUntil(() => receiver.received.length >= 2);
		await sandbox.deliveriesSettled();
		const log = (await admin(sandbox, 'GET', 'deliveries')).json;
		expect(
			log.map((entry: { attempt: number; status: number | null }) => [entry.attempt, entry.status]),
		).toEqual([
			[1, null],
			[2, 200],
		]);
	});

	it('a delivery without a secret goes out unsigned', async () => {
		await admin(sandbox, 'POST', 'deliver', {
			url: receiver.url,
			event: 'grant.revoked',
			data: {},
			secret: null,
		});
		await waitUntil(() => receiver.received.length >= 1);
		expect(receiver.received[0].headers['x-webhook-signature']).toBeUndefined();
		expect(receiver.received[0].headers['x-webhook-timestamp']).toMatch(PYTHON_ISO);
	});

	it('admin deliver can skew timestamps, skip retries, and replay a delivery byte for byte', async () => {
		receiver.answers.push(500);
		const sent = await admin(sandbox, 'POST', 'deliver', {
			url: receiver.url,
			event: 'execution.completed',
			data: { execution_id: 'e', agent_id: 'a', status: 'completed', outputs: {} },
			secret: 'whsec_test',
			timestamp: '2020-01-01T00:00:00+00:00',
			headerTimestamp: '2020-01-01T00:00:01+00:00',
			retries: false,
		});
		expect(sent.status).toBe(202);
		await waitUntil(() => receiver.received.length >= 1);
		await sandbox.deliveriesSettled();
		expect(receiver.received).toHaveLength(1);
		expect(JSON.parse(receiver.received[0].body).timestamp).toBe('2020-01-01T00:00:00+00:00');
		expect(receiver.received[0].headers['x-webhook-timestamp']).toBe('2020-01-01T00:00:01+00:00');

		const replay = await admin(sandbox, 'POST', `deliveries/${sent.json.delivery_id}/resend`);
		expect(replay.status).toBe(202);
		await waitUntil(() => receiver.received.length >= 2);
		expect(receiver.received[1].body).toBe(receiver.received[0].body);
		expect(receiver.received[1].headers['x-webhook-signature']).toBe(
			receiver.received[0].headers['x-webhook-signature'],
		);
		await sandbox.deliveriesSettled();
		expect(sandbox.views.deliveries().map((entry) => [entry.attempt, entry.status])).toEqual([
			[1, 500],
			[2, 200],
		]);
	});

	it('a delivery fault loses one event on its way (no retry), or stands for the receiver’s answer', async () => {
		await admin(sandbox, 'POST', 'faults', {
			delivery: true,
			path: new URL(receiver.url).pathname,
			event: 'execution.completed',
			drop: true,
			count: 1,
		});
		// A request rule never touches a delivery, nor a delivery rule a request.
		await admin(sandbox, 'POST', 'faults', { delivery: true, path: 'capabilities', status: 500 });
		expect(
			(await call(`${sandbox.apiUrl}/executions/capabilities`, { headers: auth() })).status,
		).toBe(200);

		await execute('echo', { a: 1 }, receiver.url);
		await waitUntil(() => sandbox.views.deliveries().length >= 2);
		await sandbox.deliveriesSettled();
		expect(receiver.received.map((delivery) => JSON.parse(delivery.body).event)).toEqual([
			'execution.started',
		]);
		const log = sandbox.views.deliveries();
		expect(log.map((entry) => [entry.event, entry.status]).sort()).toEqual([
			['execution.completed', null],
			['execution.started', 200],
		]);
		expect(log.find((entry) => entry.status === null)?.error).toMatch(/fault/);

		await admin(sandbox, 'DELETE', 'faults');
		await admin(sandbox, 'POST', 'faults', {
			delivery: true,
			path: '.',
			event: 'grant.revoked',
			status: 503,
		});
		await admin(sandbox, 'POST', 'deliver', {
			url: receiver.url,
			event: 'grant.revoked',
			data: {},
			secret: 'whsec_x',
		});
		await waitUntil(() => receiver.received.length >= 2, 5000);
		await sandbox.deliveriesSettled();
		expect(
			sandbox.views
				.deliveries()
				.filter((entry) => entry.event === 'grant.revoked')
				.map((entry) => [entry.attempt, entry.status]),
		).toEqual([
			[1, 503],
			[2, 200],
		]);
		expect(
			(await admin(sandbox, 'POST', 'faults', { delivery: true, path: '.', count: 1 })).status,
		).toBe(400);
	});

	it('the admin log has the contract shape', async () => {
		await execute('echo', { a: 1 }, receiver.url);
		await waitUntil(() => receiver.received.length >= 2);
		await sandbox.deliveriesSettled();
		const log = (await admin(sandbox, 'GET', 'deliveries')).json;
		expect(log[0]).toMatchObject({
			url: receiver.url,
			event: 'execution.started',
			attempt: 1,
			status: 200,
			signature_mode: 'canonical',
			body: receiver.received[0].body,
		});
	});
});

describe('§7 subscriptions', () => {
	const webhooks = () => `${sandbox.apiUrl}/webhooks`;

	it('create shows the secret once; list leaves it out; delete is 204 then 404', async () => {
		const created = await postJson(
			webhooks(),
			{ url: receiver.url, events: ['execution.completed'] },
			auth(),
		);
		expect(created.status).toBe(201);
		expect(created.json).toEqual({
			id: expect.any(String),
			url: receiver.url,
			events: ['execution.completed'],
			secret: expect.any(String),
			created_at: expect.stringMatching(PYTHON_ISO),
		});
		const listed = await call(webhooks(), { headers: auth() });
		expect(listed.json).toEqual([
			{
				id: created.json.id,
				url: receiver.url,
				events: ['execution.completed'],
				created_at: created.json.created_at,
			},
		]);
		const adminList = (await admin(sandbox, 'GET', 'webhooks')).json;
		expect(adminList[0]).toMatchObject({ id: created.json.id, secret: created.json.secret });

		const removed = await call(`${webhooks()}/${created.json.id}`, {
			method: 'DELETE',
			headers: auth(),
		});
		expect(removed.status).toBe(204);
		const again = await call(`${webhooks()}/${created.json.id}`, {
			method: 'DELETE',
			headers: auth(),
		});
		expect(again.status).toBe(404);
	});

	it('deliveries to a subscription are signed with its own secret', async () => {
		const created = await postJson(
			webhooks(),
			{ url: receiver.url, events: ['execution.completed'] },
			auth(),
		);
		await execute('echo', { x: 'y' });
		await waitUntil(() => receiver.received.length >= 1);
		await sandbox.deliveriesSettled();
		expect(receiver.received).toHaveLength(1); // only the event it asked for
		const delivery = receiver.received[0];
		expect(JSON.parse(delivery.body).event).toBe('execution.completed');
		expect(delivery.headers['x-webhook-signature']).toBe(
			hmacHex(created.json.secret, pythonCanonical(delivery.body)),
		);
	});

	it('works with an API key, where no webhook_domains apply', async () => {
		const headers = { 'x-api-key': sandbox.info.apiKey };
		const created = await postJson(
			webhooks(),
			{ url: 'https://hooks.example.org/autogpt', events: ['execution.failed'] },
			headers,
		);
		expect(created.status).toBe(201);
		const run = await postJson(
			`${sandbox.apiUrl}/executions/agents/${sandbox.info.agents.echo}/execute`,
			{ inputs: {} },
			headers,
		);
		expect(run.status).toBe(200);
	});

	it('applies the URL rules of §6', async () => {
		const insecure = await postJson(
			webhooks(),
			{ url: 'http://hooks.example.org/x', events: ['execution.completed'] },
			auth(),
		);
		expect(insecure.status).toBe(400);
		const foreign = await postJson(
			webhooks(),
			{ url: 'https://hooks.example.org/x', events: ['execution.completed'] },
			auth(),
		);
		expect(foreign.status).toBe(400);
		expect(foreign.json).toEqual({ detail: 'Webhook URL not in allowed domains for this client' });
		const badEvent = await postJson(
			webhooks(),
			{ url: receiver.url, events: ['execution.exploded'] },
			auth(),
		);
		expect(badEvent.status).toBe(422);
		expect(badEvent.json.detail[0].loc).toEqual(['body', 'events', 0]);
	});

	it('needs agents:execute on a token', async () => {
		const narrow = await getTokens(sandbox, 'openid integrations:list');
		const answer = await postJson(
			webhooks(),
			{ url: receiver.url, events: ['execution.completed'] },
			bearer(narrow.access_token),
		);
		expect(answer.status).toBe(403);
	});
});
