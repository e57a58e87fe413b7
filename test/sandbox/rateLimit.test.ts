// Contract §8: per-user rate limits, their headers and the 429 answer.
import type { Sandbox } from './server';
import {
	admin,
	bearer,
	call,
	getTokens,
	postForm,
	postJson,
	startTestSandbox,
	type TokenSet,
} from './testkit';

let sandbox: Sandbox;
let tokens: TokenSet;

beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(() => sandbox.stop());
beforeEach(async () => {
	await admin(sandbox, 'POST', 'reset');
	tokens = await getTokens(sandbox);
});

const execute = () =>
	postJson(
		`${sandbox.apiUrl}/executions/agents/${sandbox.info.agents.echo}/execute`,
		{ inputs: {} },
		bearer(tokens.access_token),
	);
const read = () =>
	call(`${sandbox.apiUrl}/executions/capabilities`, { headers: bearer(tokens.access_token) });

describe('§8 rate limits', () => {
	it('answers carry X-RateLimit-Remaining and X-RateLimit-Reset (unix seconds)', async () => {
		const first = await read();
		const second = await read();
		expect(Number(first.headers.get('x-ratelimit-remaining'))).toBe(59);
		expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(58);
		const reset = Number(first.headers.get('x-ratelimit-reset'));
		const now = Date.now() / 1000;
		expect(reset).toBeGreaterThan(now);
		expect(reset).toBeLessThanOrEqual(now + 61);
		expect(Number((await execute()).headers.get('x-ratelimit-remaining'))).toBe(9);
	});

	it('the eleventh execute in a minute is a 429 with Retry-After and {"detail"}', async () => {
		for (let index = 0; index < 10; index++) expect((await execute()).status).toBe(200);
		const limited = await execute();
		expect(limited.status).toBe(429);
		expect(limited.json).toEqual({ detail: expect.any(String) });
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
		// Reads have their own budget.
		expect((await read()).status).toBe(200);
	});

	it('a partial rateLimits changes only the limits it names; 0 is unlimited', async () => {
		const changed = await admin(sandbox, 'POST', 'config', {
			rateLimits: { read: { perMinute: 2 } },
		});
		expect(changed.json.rateLimits).toEqual({
			execute: { perMinute: 10, perHour: 100 },
			read: { perMinute: 2, perHour: 1000 },
			oauth: { perMinute: 30 },
		});
		expect((await read()).status).toBe(200);
		expect((await read()).status).toBe(200);
		const limited = await read();
		expect(limited.status).toBe(429);

		await admin(sandbox, 'POST', 'config', { rateLimits: { read: { perMinute: 0, perHour: 0 } } });
		const unlimited = await read();
		expect(unlimited.status).toBe(200);
		expect(unlimited.headers.get('x-ratelimit-remaining')).toBeNull();
	});

	it('the hourly window counts too', async () => {
		await admin(sandbox, 'POST', 'config', {
			rateLimits: { execute: { perMinute: 0, perHour: 2 } },
		});
		await execute();
		await execute();
		const limited = await execute();
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(60);
	});

	it('the OAuth endpoints share a budget of 30 a minute', async () => {
		await admin(sandbox, 'POST', 'config', { rateLimits: { oauth: { perMinute: 3 } } });
		const token = () =>
			postForm(`${sandbox.url}/oauth/token`, {
				grant_type: 'refresh_token',
				refresh_token: 'nope',
				client_id: sandbox.info.clientId,
				client_secret: sandbox.info.clientSecret,
			});
		const statuses = [];
		for (let index = 0; index < 4; index++) statuses.push((await token()).status);
		expect(statuses).toEqual([400, 400, 400, 429]);
	});

	it('a window reopens once its time has passed', async () => {
		await admin(sandbox, 'POST', 'config', { rateLimits: { read: { perMinute: 1 } } });
		expect((await read()).status).toBe(200);
		expect((await read()).status).toBe(429);
		await admin(sandbox, 'POST', 'config', { clockOffsetSeconds: 61 });
		expect((await read()).status).toBe(200);
	});
});
