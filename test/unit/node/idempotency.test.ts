// Test code: it runs in jest on Node, never inside n8n, so n8n's rules for node code do not apply.
/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets */
// Execute under an Idempotency-Key (contract §12), through n8n-core's real WorkflowExecute with nock
// as the platform: every execute carries a key; an ambiguous failure is sent again under the same
// key only once the platform has echoed a key (learned per External API URL).
import nock from 'nock';

import { apiKeyCredentials, runAutoGpt, TestCredentialsHelper } from '../../helpers/workflow';

const API_KEY = 'agpt_secret_key_123';
let platforms = 0;

/** A platform of its own per test: what the transport learns about one stays with it. */
function platform() {
	const url = `https://keys-${++platforms}.test`;
	return {
		api: `${url}/api/external/v1`,
		credentials: () => new TestCredentialsHelper({ autoGptApi: apiKeyCredentials(API_KEY, url) }),
	};
}

const startAgent = (options: Record<string, unknown> = {}) => ({
	resource: 'agent',
	operation: 'execute',
	agent: { __rl: true, mode: 'id', value: 'agent-1' },
	inputSource: 'json',
	inputsJson: '={{ JSON.stringify($json) }}',
	waitForCompletion: false,
	options,
});
const EXECUTE = '/executions/agents/agent-1/execute';
const started = { execution_id: 'ex-1', status: 'queued' };

/** Records each execute's Idempotency-Key; answers as `answers` say, echoing the key when told. */
function executes(api: string, answers: Array<{ status: number; echo: boolean; body?: unknown }>) {
	const keys: string[] = [];
	for (const answer of answers) {
		nock(api)
			.post(EXECUTE)
			.reply(function () {
				const key = String(this.req.headers['idempotency-key']);
				keys.push(key);
				const headers: Record<string, string> = answer.echo ? { 'Idempotency-Key': key } : {};
				if (answer.status === 409) headers['Retry-After'] = '0';
				return [answer.status, answer.body ?? started, headers];
			});
	}
	return keys;
}

beforeEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());

describe('every execute carries a key', () => {
	test('one per item, the same when n8n runs the same execution again, new for a new execution and for the node’s next run in a loop', async () => {
		const { api, credentials } = platform();
		const keys = executes(
			api,
			Array.from({ length: 8 }, () => ({ status: 200, echo: false })),
		);
		const items = [{ topic: 'a' }, { topic: 'b' }];
		await runAutoGpt({
			credentials: credentials(),
			parameters: startAgent(),
			inputItems: items,
			executionId: 'ex-77',
		});
		await runAutoGpt({
			credentials: credentials(),
			parameters: startAgent(),
			inputItems: items,
			executionId: 'ex-77',
		});
		await runAutoGpt({
			credentials: credentials(),
			parameters: startAgent(),
			inputItems: items,
			executionId: 'ex-78',
		});
		// the node's second run in the same execution (a loop) starts its own run
		await runAutoGpt({
			credentials: credentials(),
			parameters: startAgent(),
			inputItems: items,
			executionId: 'ex-77',
			earlierRuns: 1,
		});
		const [first, second, again1, again2, next1, next2, loop1] = keys;
		expect(loop1).toMatch(/^n8n-ex-77-1-0-[A-Za-z0-9_-]{32}$/);
		expect(first).toMatch(/^n8n-ex-77-0-[01]-[A-Za-z0-9_-]{32}$/);
		expect(new Set([first, second]).size).toBe(2);
		expect(new Set([again1, again2])).toEqual(new Set([first, second]));
		expect([next1, next2].some((key) => [first, second].includes(key))).toBe(false);
		for (const key of keys) expect(key).not.toContain(API_KEY);
	});

	test('the Idempotency Key option sends the user’s own key, trimmed', async () => {
		const { api, credentials } = platform();
		const keys = executes(api, [{ status: 200, echo: true }]);
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: startAgent({ idempotencyKey: '={{ " order-" + $json.order_id }}' }),
			inputItems: [{ order_id: 1042 }],
		});
		expect(result.error).toBeUndefined();
		expect(keys).toEqual(['order-1042']);
	});

	test('an unusable key of one item is an error naming the item and the fix; nothing is sent', async () => {
		const { credentials } = platform();
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: startAgent({ idempotencyKey: '={{ $json.order }}' }),
			inputItems: [{ order: 'Bestellung Müller' }],
		});
		expect(result.error?.message).toBe(
			'The Idempotency Key of item 0 cannot be used: it contains a space; only visible ASCII characters (no spaces) are allowed',
		);
		expect(result.error?.description).toMatch(/1 to 255 visible ASCII characters/);
		expect(result.error?.description).toMatch(/remove the option/);
	});
});

describe('a platform that has not echoed a key: never repeated, as before', () => {
	test('a 502 is not repeated and the error says the run may have started', async () => {
		const { api, credentials } = platform();
		const keys = executes(api, [
			{ status: 502, echo: false, body: { detail: 'Bad gateway' } },
			{ status: 200, echo: true },
		]);
		const result = await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		expect(keys).toHaveLength(1);
		expect(result.error?.description).toMatch(/not repeated.*may have started/);
	});
});

describe('a platform that echoes keys: an ambiguous failure is sent again under the same key', () => {
	test('after the first echo a 502 is retried with the same key and the item succeeds', async () => {
		const { api, credentials } = platform();
		const keys = executes(api, [
			{ status: 200, echo: true },
			{ status: 502, echo: false, body: { detail: 'Bad gateway' } },
			{ status: 200, echo: true },
		]);
		expect((await runAutoGpt({ credentials: credentials(), parameters: startAgent() })).error).toBe(
			undefined,
		);
		const result = await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.execution_id).toBe('ex-1');
		expect(keys).toHaveLength(3);
		expect(keys[2]).toBe(keys[1]);
	});

	test('a 409 waits as Retry-After says, then takes the first answer', async () => {
		const { api, credentials } = platform();
		const keys = executes(api, [
			{ status: 200, echo: true },
			{ status: 500, echo: true, body: { detail: 'Internal error' } },
			{ status: 409, echo: true, body: { detail: 'still being handled' } },
			{ status: 200, echo: true },
		]);
		await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		const result = await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		expect(result.error).toBeUndefined();
		expect(keys.slice(1)).toEqual([keys[1], keys[1], keys[1]]);
	});

	test('a 409 without Retry-After is waited out 1 s; one asking for more than a minute is the error', async () => {
		const { api, credentials } = platform();
		executes(api, [{ status: 200, echo: true }]);
		await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		const at: number[] = [];
		const inFlight = (retryAfter?: string) =>
			nock(api)
				.post(EXECUTE)
				.reply(function () {
					at.push(Date.now());
					const key = String(this.req.headers['idempotency-key']);
					const headers: Record<string, string> = { 'Idempotency-Key': key };
					if (retryAfter) headers['Retry-After'] = retryAfter;
					return [409, { detail: 'still being handled' }, headers];
				});
		inFlight();
		executes(api, [{ status: 200, echo: true }]);
		const waited = await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		expect(waited.items[0].json.execution_id).toBe('ex-1');
		// waiting only ever lasts longer than asked: a lower bound cannot race
		expect(Date.now() - at[0]).toBeGreaterThanOrEqual(990);

		const scope = inFlight('61');
		executes(api, [{ status: 200, echo: true }]);
		const refused = await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		expect(refused.error?.message).toMatch(
			/^Could not start agent agent-1: AutoGPT answered 409 Conflict — still being handled\./,
		);
		expect(scope.isDone()).toBe(true);
		expect(nock.pendingMocks()).toHaveLength(1);
	});

	test('when every try fails the error says at most one run started under the key', async () => {
		const { api, credentials } = platform();
		const keys = executes(api, [
			{ status: 200, echo: true },
			...Array.from({ length: 4 }, () => ({
				status: 503,
				echo: false,
				body: { detail: 'Unavailable' },
			})),
		]);
		await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		const result = await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		expect(keys).toHaveLength(5);
		expect(result.error?.message).toBe(
			`Could not start agent agent-1: AutoGPT answered 503 Service Unavailable — Unavailable. ${result.error?.description}`,
		);
		expect(result.error?.description).toContain(
			`It was sent more than once under the Idempotency-Key "${keys[1]}"`,
		);
		expect(result.error?.description).toMatch(/at most one run started/);
	}, 20_000);

	test('a platform whose answer stops echoing is no longer trusted with a retry', async () => {
		const { api, credentials } = platform();
		const keys = executes(api, [
			{ status: 200, echo: true },
			{ status: 200, echo: false },
			{ status: 502, echo: false, body: { detail: 'Bad gateway' } },
			{ status: 200, echo: true },
		]);
		await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		const result = await runAutoGpt({ credentials: credentials(), parameters: startAgent() });
		expect(keys).toHaveLength(3);
		expect(result.error?.description).toMatch(/not repeated.*may have started/);
	});

	test('a key reused for another request (422) says so, with the key', async () => {
		const { api, credentials } = platform();
		executes(api, [
			{
				status: 422,
				echo: true,
				body: { detail: 'Idempotency-Key reused with a different request' },
			},
		]);
		const result = await runAutoGpt({
			credentials: credentials(),
			parameters: startAgent({ idempotencyKey: 'order-7' }),
		});
		expect(result.error?.message).toBe(
			`Could not start agent agent-1: AutoGPT answered 422 Unprocessable Entity — Idempotency-Key reused with a different request. ${result.error?.description}`,
		);
		expect(result.error?.description).toMatch(/^The Idempotency-Key "order-7" started a run/);
	});
});
