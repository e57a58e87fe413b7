// The AutoGPT Trigger against the platform sandbox over loopback: registration through the real
// transport, deliveries made by the sandbox (canonical and raw signatures), and every refusal.
import { createHash, randomBytes } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../sandbox/server';
import { apiKeyCredentials, oauthCredentials, TestCredentialsHelper } from '../helpers/workflow';
import { signatureHeaderFor } from '../../nodes/AutoGpt/trigger/verification/signature';
import { startTriggerHarness, type TriggerHarness } from '../unit/trigger/support/triggerHarness';

interface AdminSubscription {
	id: string;
	url: string;
	events: string[];
	secret: string;
}

interface AdminDelivery {
	url: string;
	event: string;
	status: number | null;
	body: string;
	headers: Record<string, string>;
	signature_mode: string | null;
}

let sandbox: Sandbox;
const harnesses: TriggerHarness[] = [];

async function call<T = unknown>(
	method: string,
	url: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
	const response = await fetch(url, {
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const admin = <T = unknown>(method: string, path: string, body?: unknown) =>
	call<T>(method, `${sandbox.url}/_sandbox${path}`, body).then((answer) => answer.body);

const subscriptions = () => admin<AdminSubscription[]>('GET', '/webhooks');
const deliveries = () => admin<AdminDelivery[]>('GET', '/deliveries');

async function waitFor(
	condition: () => boolean | Promise<boolean>,
	what: string,
	timeoutMs = 10_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await sleep(20);
	}
}

/** Has the sandbox send one delivery and waits for the trigger's answer. */
async function deliver(
	url: string,
	event: string,
	data: unknown,
	secret: string | null,
	signatureMode?: 'raw' | 'canonical',
) {
	await admin('POST', '/deliver', { url, event, data, secret, signatureMode });
	await sandbox.deliveriesSettled();
}

function credentials(accessToken = 'unused', webhookSecret = '') {
	return new TestCredentialsHelper({
		autoGptApi: apiKeyCredentials(sandbox.info.apiKey, sandbox.url, sandbox.info.apiUrl),
		autoGptOAuth2Api: oauthCredentials({
			platformUrl: sandbox.url,
			apiUrl: sandbox.info.apiUrl,
			clientId: sandbox.info.clientId,
			clientSecret: sandbox.info.clientSecret,
			accessToken,
			webhookSecret,
		}),
	});
}

/** The OAuth flow of contract §2 with the consent page set to approve: an access token. */
async function oauthAccessToken(): Promise<string> {
	await admin('POST', '/consent', { mode: 'approve' });
	const verifier = randomBytes(32).toString('base64url');
	const challenge = createHash('sha256').update(verifier).digest('base64url');
	const redirectUri = 'http://localhost:5678/rest/oauth2-credential/callback';
	const authorize = new URL(`${sandbox.url}/oauth/authorize`);
	authorize.search = new URLSearchParams({
		response_type: 'code',
		client_id: sandbox.info.clientId,
		redirect_uri: redirectUri,
		state: 'state-1',
		code_challenge: challenge,
		code_challenge_method: 'S256',
		scope: 'openid agents:execute',
	}).toString();
	const consent = await fetch(authorize, {
		redirect: 'manual',
		headers: { 'X-API-Key': sandbox.info.apiKey },
	});
	const code = new URL(consent.headers.get('location') as string).searchParams.get('code');
	if (!code) throw new Error(`No code from the authorize endpoint (${consent.status})`);
	const token = await fetch(`${sandbox.url}/oauth/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'authorization_code',
			code,
			redirect_uri: redirectUri,
			client_id: sandbox.info.clientId,
			client_secret: sandbox.info.clientSecret,
			code_verifier: verifier,
		}),
	});
	const { access_token: accessToken } = (await token.json()) as { access_token: string };
	return accessToken;
}

async function executeAgent(
	agent: string,
	inputs: Record<string, unknown>,
	auth: Record<string, string>,
	webhookUrl?: string,
) {
	const answer = await call<{ execution_id: string }>(
		'POST',
		`${sandbox.info.apiUrl}/executions/agents/${sandbox.info.agents[agent]}/execute`,
		{ inputs, ...(webhookUrl ? { webhook_url: webhookUrl } : {}) },
		auth,
	);
	expect(answer.status).toBe(200);
	return answer.body.execution_id;
}

async function harness(parameters: IDataObject, helper = credentials()) {
	const created = await startTriggerHarness({ parameters, credentials: helper });
	harnesses.push(created);
	return created;
}

beforeAll(async () => {
	// No retries: a refused delivery is answered once, and nothing else arrives later. Read limits
	// far above the contract's, so that the transport's pacing does not slow the suite down.
	sandbox = await startSandbox({
		config: {
			retryDelaysSeconds: [],
			timeFactor: 0.2,
			rateLimits: { read: { perMinute: 10_000, perHour: 100_000 }, oauth: { perMinute: 1000 } },
		},
	});
});

afterEach(async () => {
	await sandbox.deliveriesSettled();
	await admin('POST', '/config', { signatureMode: 'canonical', clockOffsetSeconds: 0 });
	await admin('DELETE', '/faults');
});

afterAll(async () => {
	await Promise.all(harnesses.map((created) => created.close()));
	await sandbox?.stop();
});

describe('automatic registration', () => {
	const events = ['execution.completed', 'execution.failed', 'grant.revoked'];
	let trigger: TriggerHarness;
	const apiKey = () => ({ 'X-API-Key': sandbox.info.apiKey });
	const secret = () => trigger.staticData().subscriptionSecret as string;

	beforeAll(async () => {
		trigger = await harness({ authentication: 'apiKey', events, registration: 'automatic' });
	});

	it('activation registers a subscription for this URL and these events, and keeps its id and secret', async () => {
		expect(await trigger.activate()).toEqual({ existed: false });
		const registered = (await subscriptions()).filter(
			(subscription) => subscription.url === trigger.webhookUrl,
		);
		expect(registered).toHaveLength(1);
		expect([...registered[0].events].sort()).toEqual([...events].sort());
		expect(trigger.staticData()).toMatchObject({
			subscriptionId: registered[0].id,
			subscriptionSecret: registered[0].secret,
		});
	});

	it('activating again finds the subscription and registers nothing new', async () => {
		const before = trigger.staticData().subscriptionId;
		expect(await trigger.activate()).toEqual({ existed: true });
		expect((await subscriptions()).filter((s) => s.url === trigger.webhookUrl)).toHaveLength(1);
		expect(trigger.staticData().subscriptionId).toBe(before);
	});

	it('a completed run starts the workflow once, with the canonical signature the reference sends', async () => {
		const runsBefore = trigger.runs.length;
		const executionId = await executeAgent(
			'echo',
			{ text: 'Grüße, 世界 😀', ratio: 1.5, count: 2 },
			apiKey(),
		);
		await waitFor(() => trigger.runs.length > runsBefore, 'the completed delivery');
		await sandbox.deliveriesSettled();
		expect(trigger.runs.slice(runsBefore)).toEqual([
			[
				{
					event: 'execution.completed',
					timestamp: expect.any(String),
					execution_id: executionId,
					agent_id: sandbox.info.agents.echo,
					status: 'completed',
					outputs: { text: ['Grüße, 世界 😀'], ratio: [1.5], count: [2] },
					data: {
						execution_id: executionId,
						agent_id: sandbox.info.agents.echo,
						status: 'completed',
						outputs: { text: ['Grüße, 世界 😀'], ratio: [1.5], count: [2] },
					},
				},
			],
		]);
		const sent = (await deliveries()).filter(
			(d) => d.url === trigger.webhookUrl && d.event === 'execution.completed',
		);
		expect(sent.at(-1)).toMatchObject({ status: 200, signature_mode: 'canonical' });
	});

	it('accepts a signature over the raw body as well', async () => {
		await admin('POST', '/config', { signatureMode: 'raw' });
		const runsBefore = trigger.runs.length;
		const executionId = await executeAgent('failing', { message: 'disk full' }, apiKey());
		await waitFor(() => trigger.runs.length > runsBefore, 'the failed delivery');
		expect(trigger.runs.at(-1)).toEqual([
			expect.objectContaining({
				event: 'execution.failed',
				execution_id: executionId,
				status: 'failed',
				error: 'disk full',
			}),
		]);
		const sent = (await deliveries()).filter(
			(d) => d.url === trigger.webhookUrl && d.event === 'execution.failed',
		);
		expect(sent.at(-1)).toMatchObject({ status: 200, signature_mode: 'raw' });
	});

	it('a revoked grant starts the workflow with grant_id, credential_id and provider', async () => {
		const grants = await admin<
			Array<{ id: string; provider: string; credential_id: string; revoked_at: string | null }>
		>('GET', '/grants');
		const grant = grants.find(
			(candidate) => !candidate.revoked_at && candidate.provider === 'google',
		);
		expect(grant).toBeDefined();
		const runsBefore = trigger.runs.length;
		await admin('POST', `/grants/${grant!.id}/revoke`);
		await waitFor(() => trigger.runs.length > runsBefore, 'the grant.revoked delivery');
		expect(trigger.runs.at(-1)).toEqual([
			expect.objectContaining({
				event: 'grant.revoked',
				grant_id: grant!.id,
				provider: 'google',
				credential_id: expect.any(String),
			}),
		]);
	});

	it('acknowledges an event it is not subscribed to with 200 and starts nothing', async () => {
		const runsBefore = trigger.runs.length;
		const data = { execution_id: 'e-1', agent_id: sandbox.info.agents.echo, status: 'running' };
		await deliver(trigger.webhookUrl, 'execution.started', data, secret());
		expect(trigger.calls.at(-1)).toMatchObject({
			status: 200,
			body: { received: true, ignored: 'event not subscribed' },
		});
		expect(trigger.calls.at(-1)?.started).toBeUndefined();
		expect(trigger.runs.length).toBe(runsBefore);
	});

	it('acknowledges an execution of another agent with 200 and starts nothing when filtering on agent', async () => {
		const parameters = { ...trigger.node.parameters };
		trigger.setParameters({ ...parameters, agentId: sandbox.info.agents.echo });
		try {
			const runsBefore = trigger.runs.length;
			const data = (agent: string) => ({
				execution_id: `e-${agent}`,
				agent_id: sandbox.info.agents[agent],
				status: 'completed',
				outputs: {},
			});
			await deliver(trigger.webhookUrl, 'execution.completed', data('failing'), secret());
			expect(trigger.calls.at(-1)).toMatchObject({
				status: 200,
				body: { received: true, ignored: 'other agent' },
			});
			expect(trigger.runs.length).toBe(runsBefore);
			await deliver(trigger.webhookUrl, 'execution.completed', data('echo'), secret());
			expect(trigger.runs.length).toBe(runsBefore + 1);
		} finally {
			trigger.setParameters(parameters);
		}
	});

	describe('refuses, answering 401 or 400 and starting nothing:', () => {
		const completed = () => ({
			execution_id: `e-${randomBytes(4).toString('hex')}`,
			agent_id: sandbox.info.agents.echo,
			status: 'completed',
			outputs: { n: [1] },
		});
		let runsBefore = 0;

		beforeEach(() => {
			runsBefore = trigger.runs.length;
		});

		afterEach(() => {
			expect(trigger.runs.length).toBe(runsBefore);
			for (const answered of trigger.calls.slice(-1)) {
				expect(answered.started).toBeUndefined();
				expect(answered.threw).toBeUndefined();
				expect(JSON.stringify(answered.body)).not.toContain(secret());
			}
		});

		it('an unsigned delivery', async () => {
			await deliver(trigger.webhookUrl, 'execution.completed', completed(), null);
			expect(trigger.calls.at(-1)).toMatchObject({
				status: 401,
				body: { error: 'missing X-Webhook-Signature' },
			});
		});

		it('a delivery signed with another secret (forged)', async () => {
			await deliver(trigger.webhookUrl, 'execution.completed', completed(), 'whsec_guessed');
			expect(trigger.calls.at(-1)).toMatchObject({
				status: 401,
				body: { error: 'signature does not match' },
			});
		});

		it('a real delivery whose body was changed on the way (tampered)', async () => {
			const executionId = await executeAgent('echo', { amount: 10 }, apiKey());
			await waitFor(() => trigger.runs.length > runsBefore, 'the genuine delivery');
			runsBefore = trigger.runs.length;
			const genuine = (await deliveries())
				.filter((d) => d.url === trigger.webhookUrl && d.body.includes(executionId))
				.at(-1)!;
			const tampered = genuine.body.replace('10', '99');
			expect(tampered).not.toBe(genuine.body);
			const answer = await trigger.post(tampered, genuine.headers);
			expect(answer).toMatchObject({ status: 401, body: { error: 'signature does not match' } });
		});

		it('a copy of a delivery already accepted (replayed), in the window', async () => {
			const executionId = await executeAgent('echo', { replay: true }, apiKey());
			await waitFor(() => trigger.runs.length > runsBefore, 'the genuine delivery');
			runsBefore = trigger.runs.length;
			const genuine = (await deliveries())
				.filter((d) => d.url === trigger.webhookUrl && d.body.includes(executionId))
				.at(-1)!;
			expect(genuine.status).toBe(200);
			// the header timestamp is not signed, so a replayer sends a fresh one
			const headers = { ...genuine.headers, 'X-Webhook-Timestamp': new Date().toISOString() };
			const answer = await trigger.post(genuine.body, headers);
			expect(answer).toMatchObject({ status: 401, body: { error: 'replayed delivery' } });
		});

		it('a delivery from a clock 10 minutes behind (stale)', async () => {
			await admin('POST', '/config', { clockOffsetSeconds: -600 });
			await deliver(trigger.webhookUrl, 'execution.completed', completed(), secret());
			expect(trigger.calls.at(-1)).toMatchObject({
				status: 401,
				body: { error: 'X-Webhook-Timestamp is outside the tolerance window' },
			});
		});

		it('a delivery whose signed timestamp is stale under a fresh header', async () => {
			const body = JSON.stringify({
				event: 'execution.completed',
				timestamp: new Date(Date.now() - 600_000).toISOString(),
				data: completed(),
			});
			const answer = await trigger.post(body, {
				'X-Webhook-Timestamp': new Date().toISOString(),
				'X-Webhook-Signature': signatureHeaderFor(secret(), body),
			});
			expect(answer).toMatchObject({
				status: 401,
				body: { error: 'body timestamp is outside the tolerance window' },
			});
		});

		it('a delivery 2 minutes late when the tolerance is 60 seconds', async () => {
			const parameters = { ...trigger.node.parameters };
			trigger.setParameters({ ...parameters, options: { timestampTolerance: 60 } });
			try {
				await admin('POST', '/config', { clockOffsetSeconds: -120 });
				await deliver(trigger.webhookUrl, 'execution.completed', completed(), secret());
				expect(trigger.calls.at(-1)).toMatchObject({ status: 401 });
			} finally {
				trigger.setParameters(parameters);
			}
		});

		it('a signed delivery whose data misses a field (malformed)', async () => {
			await deliver(
				trigger.webhookUrl,
				'execution.completed',
				{ execution_id: 'e-1', agent_id: 'a-1', status: 'completed' },
				secret(),
			);
			expect(trigger.calls.at(-1)).toMatchObject({
				status: 400,
				body: { error: 'malformed payload: data.outputs: Required' },
			});
		});

		it('a signed delivery of an unknown event (malformed)', async () => {
			await deliver(trigger.webhookUrl, 'execution.paused', { execution_id: 'e-1' }, secret());
			expect(trigger.calls.at(-1)).toMatchObject({
				status: 400,
				body: { error: 'malformed payload: event: unknown or missing' },
			});
		});

		it('a signed body that is not JSON', async () => {
			const body = 'event=execution.completed';
			const answer = await trigger.post(body, {
				'X-Webhook-Timestamp': new Date().toISOString(),
				'X-Webhook-Signature': signatureHeaderFor(secret(), body),
			});
			expect(answer).toMatchObject({ status: 400, body: { error: 'body is not JSON' } });
		});
	});

	it('recreates a subscription lost on the platform side', async () => {
		const lost = trigger.staticData().subscriptionId as string;
		const removed = await call(
			'DELETE',
			`${sandbox.info.apiUrl}/webhooks/${lost}`,
			undefined,
			apiKey(),
		);
		expect(removed.status).toBe(204);

		expect(await trigger.activate()).toEqual({ existed: false });
		const registered = (await subscriptions()).filter((s) => s.url === trigger.webhookUrl);
		expect(registered).toHaveLength(1);
		expect(registered[0].id).not.toBe(lost);
		expect(trigger.staticData()).toMatchObject({
			subscriptionId: registered[0].id,
			subscriptionSecret: registered[0].secret,
		});

		// and deliveries to the new subscription verify with its new secret
		const runsBefore = trigger.runs.length;
		await executeAgent('echo', { after: 'recreate' }, apiKey());
		await waitFor(
			() => trigger.runs.length > runsBefore,
			'a delivery to the recreated subscription',
		);
	});

	it("replaces its subscription when it points at another URL (n8n's address changed)", async () => {
		// another workflow's trigger, subscribed on the same account: left alone
		const neighbour = await call<AdminSubscription>(
			'POST',
			`${sandbox.info.apiUrl}/webhooks`,
			{ url: 'http://localhost:9/webhook/another-workflow/webhook', events },
			apiKey(),
		);
		expect(neighbour.status).toBeLessThan(300);
		const created = await call<AdminSubscription>(
			'POST',
			`${sandbox.info.apiUrl}/webhooks`,
			{ url: 'http://localhost:9/webhook/old-address/webhook', events },
			apiKey(),
		);
		expect(created.status).toBeLessThan(300);
		trigger.setStaticData({
			subscriptionId: created.body.id,
			subscriptionSecret: created.body.secret,
		});
		expect(await trigger.activate()).toEqual({ existed: false });
		const all = await subscriptions();
		expect(all.find((s) => s.id === created.body.id)).toBeUndefined();
		expect(all.find((s) => s.id === neighbour.body.id)).toMatchObject({
			url: 'http://localhost:9/webhook/another-workflow/webhook',
		});
		await call(
			'DELETE',
			`${sandbox.info.apiUrl}/webhooks/${neighbour.body.id}`,
			undefined,
			apiKey(),
		);
		const registered = all.filter((s) => s.url === trigger.webhookUrl);
		expect(registered).toHaveLength(1);
		expect(trigger.staticData()).toEqual({
			subscriptionId: registered[0].id,
			subscriptionSecret: registered[0].secret,
		});
	});

	it('replaces its subscription when the secret was lost from the static data', async () => {
		await trigger.activate();
		const previous = trigger.staticData().subscriptionId as string;
		trigger.setStaticData({ subscriptionId: previous });
		expect(await trigger.activate()).toEqual({ existed: false });
		const registered = (await subscriptions()).filter((s) => s.url === trigger.webhookUrl);
		expect(registered).toHaveLength(1);
		expect(registered[0].id).not.toBe(previous);
		expect(trigger.staticData().subscriptionSecret).toBe(registered[0].secret);

		// deliveries verify with the new secret again
		const runsBefore = trigger.runs.length;
		await executeAgent('echo', { after: 'lost secret' }, apiKey());
		await waitFor(() => trigger.runs.length > runsBefore, 'a delivery to the new subscription');
	});

	it('replaces a subscription whose secret n8n lost, leaving one at this URL', async () => {
		const previous = trigger.staticData().subscriptionId as string;
		trigger.setStaticData({});
		expect(await trigger.activate()).toEqual({ existed: false });
		const registered = (await subscriptions()).filter((s) => s.url === trigger.webhookUrl);
		expect(registered).toHaveLength(1);
		expect(registered[0].id).not.toBe(previous);
		expect(trigger.staticData().subscriptionSecret).toBe(registered[0].secret);
	});

	it('resubscribes when the events changed', async () => {
		const previous = trigger.staticData().subscriptionId as string;
		const parameters = { ...trigger.node.parameters };
		trigger.setParameters({ ...parameters, events: ['*'] });
		try {
			expect(await trigger.activate()).toEqual({ existed: false });
			const registered = (await subscriptions()).filter((s) => s.url === trigger.webhookUrl);
			expect(registered).toHaveLength(1);
			expect(registered[0].id).not.toBe(previous);
			expect([...registered[0].events].sort()).toEqual([
				'execution.completed',
				'execution.failed',
				'execution.started',
				'grant.revoked',
			]);
		} finally {
			trigger.setParameters(parameters);
		}
	});

	it('deactivation removes the subscription and clears the static data', async () => {
		expect(await trigger.deactivate()).toBe(true);
		expect((await subscriptions()).filter((s) => s.url === trigger.webhookUrl)).toHaveLength(0);
		expect(trigger.staticData()).toEqual({});
		// nothing left to remove is fine too
		expect(await trigger.deactivate()).toBe(true);
	});

	it('deactivation tolerates a subscription already gone (404)', async () => {
		await trigger.activate();
		const id = trigger.staticData().subscriptionId as string;
		await call('DELETE', `${sandbox.info.apiUrl}/webhooks/${id}`, undefined, apiKey());
		expect(await trigger.deactivate()).toBe(true);
		expect(trigger.staticData()).toEqual({});
	});

	it('keeps the subscription in static data when the platform fails to remove it', async () => {
		await trigger.activate();
		const id = trigger.staticData().subscriptionId as string;
		await admin('POST', '/faults', {
			method: 'DELETE',
			path: '/webhooks/',
			status: 403,
			body: { detail: 'Forbidden' },
		});
		expect(await trigger.deactivate()).toBe(false);
		expect(trigger.staticData().subscriptionId).toBe(id);
		await admin('DELETE', '/faults');
		expect(await trigger.deactivate()).toBe(true);
	});

	it('after deactivation, a delivery signed with the old secret starts nothing', async () => {
		await trigger.activate();
		const oldSecret = secret();
		await trigger.deactivate();
		const runsBefore = trigger.runs.length;
		await deliver(
			trigger.webhookUrl,
			'execution.completed',
			{ execution_id: 'e', agent_id: 'a', status: 'completed', outputs: {} },
			oldSecret,
		);
		expect(trigger.calls.at(-1)).toMatchObject({
			status: 401,
			body: { error: 'the trigger has no signing secret' },
		});
		expect(trigger.runs.length).toBe(runsBefore);
	});
});

describe('automatic registration with the OAuth2 credential', () => {
	it('registers, starts the workflow on a delivery, and unregisters', async () => {
		const trigger = await harness(
			{ authentication: 'oAuth2', events: ['execution.completed'] },
			credentials(await oauthAccessToken()),
		);
		await trigger.activate();
		const registered = (await subscriptions()).find((s) => s.url === trigger.webhookUrl);
		expect(registered).toMatchObject({ id: trigger.staticData().subscriptionId });

		const data = {
			execution_id: 'e-oauth',
			agent_id: sandbox.info.agents.echo,
			status: 'completed',
			outputs: { ok: [true] },
		};
		await deliver(trigger.webhookUrl, 'execution.completed', data, registered!.secret);
		expect(trigger.runs.at(-1)).toEqual([
			expect.objectContaining({ event: 'execution.completed', execution_id: 'e-oauth' }),
		]);

		expect(await trigger.deactivate()).toBe(true);
		expect((await subscriptions()).find((s) => s.url === trigger.webhookUrl)).toBeUndefined();
	});
});

describe('a platform without webhook subscriptions', () => {
	it.each([
		['POST', 404],
		['POST', 405],
		['GET', 404],
		['GET', 405],
	])(
		'activation fails and tells the user to switch to Manual when %s /webhooks answers %i',
		async (method, status) => {
			const trigger = await harness({ authentication: 'apiKey', events: ['execution.completed'] });
			await admin('POST', '/faults', {
				method,
				path: '/webhooks$',
				status,
				body: { detail: 'Not Found' },
			});
			const activation = trigger.activate();
			await expect(activation).rejects.toThrow(
				'This AutoGPT platform has no webhook subscriptions: set Registration to Manual',
			);
			await activation.catch((error: { description?: string }) => {
				expect(error.description).toContain(trigger.webhookUrl);
				expect(error.description).toContain('Execute Agent');
			});
			expect(trigger.staticData()).toEqual({});
		},
	);
});

describe('a subscription request the platform answered 503', () => {
	it('is not sent again (it may have been created): activation fails and registers nothing', async () => {
		const trigger = await harness({ authentication: 'apiKey', events: ['execution.completed'] });
		await admin('DELETE', '/requests');
		await admin('POST', '/faults', {
			method: 'POST',
			path: '/webhooks$',
			count: 1,
			status: 503,
			body: { detail: 'Service Unavailable' },
		});
		await expect(trigger.activate()).rejects.toThrow(
			'Could not subscribe the trigger to AutoGPT events',
		);
		const posts = (await admin<Array<{ method: string; path: string }>>('GET', '/requests')).filter(
			(request) => request.method === 'POST' && request.path.endsWith('/webhooks'),
		);
		expect(posts).toHaveLength(1);
		expect(trigger.staticData()).toEqual({});
	});
});

describe('manual registration', () => {
	it('fails activation with the API-key credential, which has no webhook secret', async () => {
		const trigger = await harness({
			authentication: 'apiKey',
			events: ['*'],
			registration: 'manual',
		});
		await expect(trigger.activate()).rejects.toMatchObject({
			message: expect.stringContaining('Manual registration needs the AutoGPT OAuth2 credential'),
			description: expect.stringMatching(
				/^In Manual registration, deliveries are signed .* Set Authentication to OAuth2/,
			),
		});
	});

	it('fails activation when the credential has no Webhook Secret', async () => {
		const trigger = await harness(
			{ authentication: 'oAuth2', events: ['*'], registration: 'manual' },
			credentials('token', ''),
		);
		await expect(trigger.activate()).rejects.toMatchObject({
			message: expect.stringContaining(
				'The Webhook Secret of the AutoGPT OAuth2 credential is empty',
			),
			description: expect.stringMatching(/Copy it from the client's registration/),
		});
	});

	it("registers nothing, and verifies an execution's webhook_url deliveries with the client's secret", async () => {
		const accessToken = await oauthAccessToken();
		const trigger = await harness(
			{
				authentication: 'oAuth2',
				events: ['execution.started', 'execution.completed'],
				registration: 'manual',
			},
			credentials(accessToken, sandbox.info.webhookSecret),
		);
		const before = (await subscriptions()).length;
		expect(await trigger.activate()).toEqual({ existed: true });
		expect((await subscriptions()).length).toBe(before);

		const executionId = await executeAgent(
			'echo',
			{ hello: 'manual' },
			{ Authorization: `Bearer ${accessToken}` },
			trigger.webhookUrl,
		);
		await waitFor(() => trigger.runs.length >= 2, 'the started and completed deliveries');
		expect(trigger.runs.map((items) => items[0].event)).toEqual([
			'execution.started',
			'execution.completed',
		]);
		expect(trigger.runs[1][0]).toMatchObject({
			execution_id: executionId,
			outputs: { hello: ['manual'] },
		});

		// signed with anything but the client's secret: refused
		await deliver(
			trigger.webhookUrl,
			'execution.completed',
			{ execution_id: 'x', agent_id: 'a', status: 'completed', outputs: {} },
			'whsec_other',
		);
		expect(trigger.calls.at(-1)).toMatchObject({ status: 401 });
		expect(trigger.runs).toHaveLength(2);
		expect(await trigger.deactivate()).toBe(true);
	});
});
