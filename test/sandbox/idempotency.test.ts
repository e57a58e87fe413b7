// Contract §12 (idempotency keys on execute) and the faults that play after the route has started
// the run (§11), over raw HTTP.
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import http from 'node:http';

import type { Sandbox } from './server';
import {
	admin,
	type Answer,
	bearer,
	faultAfterTheRunStarted,
	getTokens,
	postJson,
	startTestSandbox,
	waitUntil,
} from './testkit';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(() => sandbox.stop());
beforeEach(async () => {
	await admin(sandbox, 'POST', 'reset');
});

const apiKey = () => ({ 'x-api-key': sandbox.info.apiKey });
const executeUrl = (agent: string) =>
	`${sandbox.apiUrl}/executions/agents/${sandbox.info.agents[agent]}/execute`;
const execute = (
	key: string | undefined,
	body: unknown = { inputs: { a: 1 } },
	agent = 'echo',
	headers: Record<string, string> = apiKey(),
) =>
	postJson(
		executeUrl(agent),
		body,
		key === undefined ? headers : { ...headers, 'idempotency-key': key },
	);
const executions = async () =>
	(await admin(sandbox, 'GET', 'executions')).json as Array<{
		execution_id: string;
		idempotency_key: string | null;
	}>;
const keys = async () =>
	(await admin(sandbox, 'GET', 'idempotency-keys')).json as Array<{
		key: string;
		execution_id: string | null;
		in_flight: boolean;
	}>;

/** One execute over node:http, which sends header bytes fetch would refuse, and sees a reset. */
function rawExecute(
	headers: Record<string, string>,
	body = '{"inputs":{"a":1}}',
): Promise<
	{ status: number; headers: http.IncomingHttpHeaders; text: string } | { error: string }
> {
	return new Promise((resolve) => {
		const request = http.request(executeUrl('echo'), {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...apiKey(), ...headers },
		});
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				resolve({
					status: response.statusCode ?? 0,
					headers: response.headers,
					text: Buffer.concat(chunks).toString('utf8'),
				}),
			);
			response.on('error', (error) =>
				resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }),
			);
		});
		request.on('error', (error) =>
			resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }),
		);
		request.end(body);
	});
}

const replayed = (answer: Answer) => answer.headers.get('idempotent-replayed');
const echo = (answer: Answer) => answer.headers.get('idempotency-key');

describe('§12 idempotency keys', () => {
	it('the same request with the same key: the first answer again, replayed, one run', async () => {
		const first = await execute('order-1');
		expect(first.status).toBe(200);
		expect(echo(first)).toBe('order-1');
		expect(replayed(first)).toBeNull();

		const again = await execute('order-1');
		expect(again.status).toBe(200);
		expect(again.json).toEqual(first.json);
		expect(echo(again)).toBe('order-1');
		expect(replayed(again)).toBe('true');

		const runs = await executions();
		expect(runs).toHaveLength(1);
		expect(runs[0]).toMatchObject({
			execution_id: first.json.execution_id,
			idempotency_key: 'order-1',
		});
	});

	it('without a key every execute is a run of its own, and nothing is echoed', async () => {
		const first = await execute(undefined);
		const second = await execute(undefined);
		expect(first.json.execution_id).not.toBe(second.json.execution_id);
		expect(echo(first)).toBeNull();
		expect(await executions()).toHaveLength(2);
	});

	it('the same key with other inputs or another agent: 422, no run', async () => {
		await execute('order-2', { inputs: { a: 1 } });
		for (const [body, agent] of [
			[{ inputs: { a: 2 } }, 'echo'],
			[{ inputs: { a: 1 } }, 'slow'],
		] as const) {
			const reused = await execute('order-2', body, agent);
			expect(reused.status).toBe(422);
			expect(reused.json).toEqual({ detail: 'Idempotency-Key reused with a different request' });
			expect(echo(reused)).toBe('order-2');
		}
		expect(await executions()).toHaveLength(1);
	});

	it('the same body written with its keys in another order is the same request', async () => {
		const first = await execute('order-3', { inputs: { a: 1, b: 2 } });
		const again = await execute('order-3', { inputs: { b: 2, a: 1 } });
		expect(again.json.execution_id).toBe(first.json.execution_id);
	});

	it('keys belong to the user: an OAuth client acting for the same user gets the same run', async () => {
		const tokens = await getTokens(sandbox);
		const byKey = await execute('order-4');
		const byToken = await execute('order-4', undefined, 'echo', bearer(tokens.access_token));
		expect(byToken.status).toBe(200);
		expect(byToken.json.execution_id).toBe(byKey.json.execution_id);
		expect(replayed(byToken)).toBe('true');
	});

	it('a key longer than 255 characters or outside visible ASCII: 400, no echo, no run', async () => {
		for (const key of ['k'.repeat(256), 'order 5', 'bestellung-müller', '']) {
			const answer = await rawExecute({ 'idempotency-key': key });
			expect(answer).toMatchObject({ status: 400 });
			if (!('status' in answer)) throw new Error(answer.error);
			expect(JSON.parse(answer.text)).toEqual({ detail: 'Invalid Idempotency-Key' });
			expect(answer.headers['idempotency-key']).toBeUndefined();
		}
		expect(await executions()).toHaveLength(0);
		const longest = await execute('k'.repeat(255));
		expect(longest.status).toBe(200);
	});

	it('409 with Retry-After while the first request is still being handled, then its answer', async () => {
		await admin(sandbox, 'POST', 'faults', {
			method: 'POST',
			path: '/execute$',
			count: 1,
			afterRoute: true,
			delayMs: 3000,
		});
		const first = execute('order-6');
		// The run has started and its answer is held back: the key is in flight.
		await waitUntil(async () => (await keys()).find((key) => key.in_flight));
		const meanwhile = await execute('order-6');
		expect(meanwhile.status).toBe(409);
		expect(meanwhile.headers.get('retry-after')).toBe('1');
		expect(echo(meanwhile)).toBe('order-6');
		expect(meanwhile.json.detail).toEqual(expect.any(String));

		const answered = await first;
		expect(answered.status).toBe(200);
		const after = await execute('order-6');
		expect(after.status).toBe(200);
		expect(after.json.execution_id).toBe(answered.json.execution_id);
		expect(await executions()).toHaveLength(1);
	});

	it('keys live 24 hours: after that the same key starts a new run', async () => {
		const first = await execute('order-7');
		await admin(sandbox, 'POST', 'config', { clockOffsetSeconds: 24 * 3600 + 1 });
		const later = await execute('order-7');
		expect(later.status).toBe(200);
		expect(replayed(later)).toBeNull();
		expect(later.json.execution_id).not.toBe(first.json.execution_id);
		expect(await executions()).toHaveLength(2);
	});

	it('a request refused before any run started leaves the key free', async () => {
		const refused = await execute('order-8', { inputs: {}, grant_ids: ['g-1'] });
		expect(refused.status).toBe(403);
		expect(await keys()).toEqual([]);
		const fixed = await execute('order-8', { inputs: {} });
		expect(fixed.status).toBe(200);
	});

	it('GET /_sandbox/idempotency-keys and the request log show the keys; reset forgets them', async () => {
		const first = await execute('order-9');
		expect(await keys()).toEqual([
			expect.objectContaining({
				key: 'order-9',
				execution_id: first.json.execution_id,
				in_flight: false,
				created_at: expect.any(String),
				expires_at: expect.any(String),
			}),
		]);
		const log = (await admin(sandbox, 'GET', 'requests')).json as Array<{
			idempotency_key: string | null;
		}>;
		expect(log.map((entry) => entry.idempotency_key)).toEqual(['order-9']);

		await admin(sandbox, 'POST', 'reset');
		expect(await keys()).toEqual([]);
		const afterReset = await execute('order-9');
		expect(replayed(afterReset)).toBeNull();
		expect(afterReset.json.execution_id).not.toBe(first.json.execution_id);
	});

	it('idempotencyKeys "ignore" plays the reference design: no echo, no replay, no 400', async () => {
		const config = await admin(sandbox, 'POST', 'config', { idempotencyKeys: 'ignore' });
		expect(config.json.idempotencyKeys).toBe('ignore');
		const first = await execute('order-10');
		const second = await execute('order-10');
		expect([echo(first), echo(second), replayed(second)]).toEqual([null, null, null]);
		expect(second.json.execution_id).not.toBe(first.json.execution_id);
		const odd = await rawExecute({ 'idempotency-key': 'order 10' });
		expect(odd).toMatchObject({ status: 200 });
		expect(await executions()).toHaveLength(3);
		expect(await keys()).toEqual([]);
		expect((await admin(sandbox, 'POST', 'config', { idempotencyKeys: 'maybe' })).status).toBe(400);
	});
});

describe('§11 faults after the route: the run started, then its answer is lost, replaced or late', () => {
	const afterRoute = (rule: Record<string, unknown>) => faultAfterTheRunStarted(sandbox, rule);

	it('drop: the connection closes without an answer; the run exists and the key replays it', async () => {
		await afterRoute({ drop: true });
		const lost = await rawExecute({ 'idempotency-key': 'lost-1' });
		expect(lost).toEqual({ error: 'ECONNRESET' });
		const [run] = await executions();
		const retry = await execute('lost-1');
		expect(retry.json.execution_id).toBe(run.execution_id);
		expect(replayed(retry)).toBe('true');
		expect(await executions()).toHaveLength(1);
	});

	it('reset: a TCP reset after the run started', async () => {
		await afterRoute({ reset: true });
		const reset = await rawExecute({ 'idempotency-key': 'reset-1' });
		expect(reset).toEqual({ error: 'ECONNRESET' });
		expect(await executions()).toHaveLength(1);
		expect((await execute('reset-1')).json.execution_id).toBe((await executions())[0].execution_id);
	});

	it('status 502: a gateway answer without the route headers; the run exists', async () => {
		await afterRoute({ status: 502 });
		const gateway = await execute('gateway-1');
		expect(gateway.status).toBe(502);
		expect(echo(gateway)).toBeNull();
		expect(gateway.headers.get('x-ratelimit-remaining')).toBeNull();
		expect(await executions()).toHaveLength(1);
		const retry = await execute('gateway-1');
		expect(retry.status).toBe(200);
		expect(retry.json.execution_id).toBe((await executions())[0].execution_id);
	});

	it('delayMs alone: the route answer, later; the request log marks the fault', async () => {
		await afterRoute({ delayMs: 200 });
		const late = await execute('late-1');
		expect(late.status).toBe(200);
		expect(echo(late)).toBe('late-1');
		const [entry] = (await admin(sandbox, 'GET', 'requests')).json as Array<{
			status: number;
			fault: boolean;
		}>;
		expect(entry).toMatchObject({ status: 200, fault: true });
	});

	it('reset before the route: no run', async () => {
		await admin(sandbox, 'POST', 'faults', { method: 'POST', path: '/execute$', reset: true });
		expect(await rawExecute({})).toEqual({ error: 'ECONNRESET' });
		expect(await executions()).toHaveLength(0);
	});

	it('GET faults shows afterRoute and reset', async () => {
		await afterRoute({ reset: true });
		const [rule] = (await admin(sandbox, 'GET', 'faults')).json;
		expect(rule).toMatchObject({ afterRoute: true, reset: true, drop: false });
	});
});
