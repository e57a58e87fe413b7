import { parseAgentId } from '../../../nodes/AutoGpt/helpers/agentId';
import { parseHttpUrl } from '../../../nodes/AutoGpt/helpers/httpUrl';
import { nextPollDelayMs } from '../../../nodes/AutoGpt/helpers/pollSchedule';
import { simplifyExecution } from '../../../nodes/AutoGpt/helpers/simplify';
import { isReviewStatus, isTerminalStatus } from '../../../nodes/AutoGpt/helpers/status';
import {
	describeHttpFailure,
	describeNetworkFailure,
	platformWords,
	redactSecrets,
	withRemedy,
} from '../../../nodes/AutoGpt/transport/errors';
import {
	header,
	RateBudget,
	readRateLimitHeaders,
	retryAfterMs,
} from '../../../nodes/AutoGpt/transport/rateBudget';
import { buildConnectUrl, resolvePlatformUrls } from '../../../nodes/AutoGpt/transport/urls';

describe('statuses', () => {
	test.each(['COMPLETED', 'completed', 'Failed', 'TERMINATED'])('%s is terminal', (status) =>
		expect(isTerminalStatus(status)).toBe(true),
	);
	test.each(['QUEUED', 'running', 'REVIEW', 'INCOMPLETE'])('%s is not terminal', (status) =>
		expect(isTerminalStatus(status)).toBe(false),
	);
	test('review in either case', () =>
		expect([isReviewStatus('REVIEW'), isReviewStatus('review')]).toEqual([true, true]));
});

describe('agent IDs', () => {
	test.each([
		['5f3c9a1e-0000-4000-8000-000000000001', '5f3c9a1e-0000-4000-8000-000000000001'],
		['  agent_1  ', 'agent_1'],
		['https://platform.agpt.co/build?flowID=abc-123', 'abc-123'],
		['https://self.hosted:3000/build?flowVersion=4&flowID=abc-123#x', 'abc-123'],
	])('%s → %s', (value, id) => expect(parseAgentId(value)).toEqual({ ok: true, agentId: id }));

	test.each([
		['', /empty/],
		['has spaces', /not an agent ID/],
		['https://platform.agpt.co/library', /no flowID/],
		['https://platform.agpt.co/build?flowID=../../grants', /no flowID/],
		['https://platform.agpt.co/build?flowID=abc%2F..%2Fcancel', /no flowID/],
		['https://platform.agpt.co/build?flowID=', /no flowID/],
		['http://[bad', /not a valid URL/],
		// a URL only when it starts the value: text with a link in it is judged as an ID
		['see https://platform.agpt.co/build?flowID=abc-123', /not an agent ID/],
	])('%s is refused', (value, reason) => {
		const result = parseAgentId(value);
		expect(result.ok).toBe(false);
		expect(result.ok ? '' : result.reason).toMatch(reason);
	});
});

describe('poll schedule', () => {
	test('starts at a quarter second, grows with the run, stops at the interval', () => {
		expect(nextPollDelayMs(0, 5000)).toBe(250);
		expect(nextPollDelayMs(3000, 5000)).toBe(300);
		expect(nextPollDelayMs(60_000, 5000)).toBe(5000);
		expect(nextPollDelayMs(0, 100)).toBe(100);
	});
});

describe('error words', () => {
	test.each([
		[{ detail: 'Agent not found' }, 'Agent not found'],
		[
			{ detail: [{ loc: ['body', 'inputs'], msg: 'field required', type: 'missing' }] },
			'body.inputs: field required',
		],
		[{ error: 'invalid_grant', error_description: 'Code expired' }, 'invalid_grant: Code expired'],
		[
			{ detail: { error: 'invalid_client', error_description: 'Unknown client' } },
			'invalid_client: Unknown client',
		],
		['{"detail":"as text"}', 'as text'],
		['<html>oops</html>', '<html>oops</html>'],
		['  Bad gateway\n', 'Bad gateway'],
		['{"detail": "cut off', '{"detail": "cut off'],
		['[1, 2', '[1, 2'],
		['"Service down"', '"Service down"'],
		[`{${'x'.repeat(400)}`, `{${'x'.repeat(299)}`],
		['y'.repeat(400), 'y'.repeat(300)],
		[42, '42'],
		[{ detail: [{ msg: 'first' }, { msg: 'second' }] }, 'first; second'],
		[{ detail: null, message: 'Rate limited' }, 'Rate limited'],
		[{ detail: 42, message: 'Upstream failed' }, 'Upstream failed'],
		[{}, undefined],
		[null, undefined],
		['', undefined],
		[undefined, undefined],
	])('%j', (body, words) => expect(platformWords(body)).toBe(words));

	test('a message has the action, status and words; secrets are masked', () => {
		expect(
			describeHttpFailure('Could not get grant g', {
				status: 404,
				body: { detail: 'Grant not found' },
			}).message,
		).toBe('Could not get grant g: AutoGPT answered 404 Not Found — Grant not found');
		expect(redactSecrets('key agpt_abcDEF_123 and Bearer eyJ.x-y')).toBe(
			'key agpt_*** and Bearer ***',
		);
	});

	test('a status without a name and an answer without words', () => {
		expect(describeHttpFailure('Could not get grant g', { status: 418 })).toEqual({
			message: 'Could not get grant g: AutoGPT answered 418',
			description: "Change the parameters of this item as AutoGPT's answer says.",
		});
		expect(describeHttpFailure('Could not get grant g', { status: 599, body: '' })).toEqual({
			message: 'Could not get grant g: AutoGPT answered 599',
			description: 'The AutoGPT platform had a problem. Try again in a moment.',
		});
	});

	test('a remedy is added once, after a full stop', () => {
		expect(withRemedy('Could not run', 'Check the key.')).toBe('Could not run. Check the key.');
		expect(withRemedy('Could not run.', 'Check the key.')).toBe('Could not run. Check the key.');
		expect(withRemedy('Could not run! Check the key.', 'Check the key.')).toBe(
			'Could not run! Check the key.',
		);
		expect(withRemedy('Could not run', '')).toBe('Could not run');
	});

	test('network failures in words, other failures are not network failures', () => {
		expect(describeNetworkFailure('ECONNRESET', undefined)).toBe('the connection was dropped');
		expect(describeNetworkFailure(undefined, 'timeout of 30000ms exceeded')).toBe(
			'the request timed out',
		);
		expect(describeNetworkFailure(undefined, 'socket hang up')).toBe('the connection was dropped');
		expect(describeNetworkFailure(undefined, 'OAuth credentials not connected')).toBeUndefined();
	});
});

describe('rate budget', () => {
	test('an execute budget bursts, then waits for the reset once spent', () => {
		const budget = new RateBudget('execute');
		expect(budget.delayMs(0)).toBe(0);
		budget.spend(0);
		budget.settle(10, { remaining: 1, resetAtMs: 60_000 });
		expect(budget.delayMs(20)).toBe(0);
		budget.spend(20);
		expect(budget.delayMs(30)).toBe(60_000 - 30);
		budget.settle(40, { remaining: 0, resetAtMs: 60_000 });
		expect(budget.delayMs(50_000)).toBe(10_000);
		expect(budget.delayMs(60_000)).toBe(0);
	});

	test('a read budget spreads what is left over the window', () => {
		const budget = new RateBudget('read');
		budget.spend(0);
		budget.settle(0, { remaining: 40, resetAtMs: 40_000 });
		// A burst of a quarter of what is left, then one request per second.
		let sent = 0;
		while (budget.delayMs(0) === 0 && sent < 100) {
			budget.spend(0);
			budget.settle(0, { remaining: 39 - sent, resetAtMs: 40_000 });
			sent++;
		}
		expect(sent).toBe(10);
		const wait = budget.delayMs(0);
		expect(wait).toBeGreaterThan(500);
		expect(wait).toBeLessThanOrEqual(1500);
	});

	test('until the first answer, one request goes alone; without headers there is nothing to wait for', () => {
		const budget = new RateBudget('execute');
		budget.spend(0);
		expect(budget.delayMs(0)).toBeGreaterThan(0);
		budget.settle(5, {});
		budget.spend(5);
		expect(budget.delayMs(5)).toBe(0);
	});

	test('even spacing spreads what is left until the reset', () => {
		const budget = new RateBudget('read');
		expect(budget.evenSpacingMs(0)).toBe(0);
		budget.spend(0);
		budget.settle(0, { remaining: 30, resetAtMs: 60_000 });
		expect(budget.evenSpacingMs(0)).toBe(2000);
		expect(budget.untilResetMs(15_000)).toBe(45_000);
		// a request on its way has taken one of the 30
		budget.spend(0);
		expect(budget.evenSpacingMs(0)).toBe(60_000 / 29);
	});

	test('half a second after a read budget ran dry, half a second less to wait', () => {
		const budget = new RateBudget('read');
		budget.spend(0);
		budget.settle(0, { remaining: 4, resetAtMs: 4000 });
		budget.spend(0);
		budget.settle(0, { remaining: 3, resetAtMs: 4000 });
		// 3 left over 4 s: one request every 1,333 ms once the burst is spent
		expect(budget.delayMs(0)).toBe(1334);
		expect(budget.delayMs(500)).toBe(834);
	});

	test('an answer that arrives after a 429 does not lift the block', () => {
		const budget = new RateBudget('read');
		budget.spend(0);
		budget.block(5000);
		budget.settle(100, { remaining: 50, resetAtMs: 60_000 });
		expect(budget.delayMs(1000)).toBe(4000);
	});

	test('an answer without headers inside a known window: after its reset, one request probes alone again', () => {
		const budget = new RateBudget('execute');
		budget.spend(0);
		budget.settle(10, { remaining: 5, resetAtMs: 60_000 });
		budget.spend(20);
		budget.settle(30, {});
		expect(budget.delayMs(60_000)).toBe(0);
		budget.spend(60_000);
		expect(budget.delayMs(60_001)).toBeGreaterThan(0);
	});

	test('answers that arrive out of order: within a window the smallest count is the truest', () => {
		const budget = new RateBudget('execute');
		budget.spend(0);
		budget.settle(10, { remaining: 5, resetAtMs: 60_000 });
		budget.spend(20);
		budget.spend(21);
		// the newer answer says 1 left, then the older one (sent first) arrives saying 2
		budget.settle(30, { remaining: 1, resetAtMs: 60_000 });
		budget.settle(31, { remaining: 2, resetAtMs: 60_000 });
		budget.spend(40);
		expect(budget.delayMs(41)).toBe(60_000 - 41);
		// a new window starts from what it says
		budget.settle(60_001, { remaining: 9, resetAtMs: 120_000 });
		expect(budget.delayMs(60_002)).toBe(0);
	});

	test('a 429 blocks until Retry-After, not until a later window reset', () => {
		const budget = new RateBudget('read');
		budget.block(5000);
		expect(budget.delayMs(1000)).toBe(4000);
		const hourly = new RateBudget('read');
		hourly.spend(0);
		hourly.settle(0, { remaining: 50, resetAtMs: 3_000_000 });
		hourly.block(1000);
		expect(hourly.delayMs(1500)).toBe(0);
	});

	test('headers', () => {
		expect(
			readRateLimitHeaders({ 'x-ratelimit-remaining': '7', 'x-ratelimit-reset': '100' }),
		).toEqual({ remaining: 7, resetAtMs: 100_000 });
		expect(readRateLimitHeaders({})).toEqual({ remaining: undefined, resetAtMs: undefined });
		expect(
			readRateLimitHeaders({ 'x-ratelimit-remaining': 'soon', 'x-ratelimit-reset': 'later' }),
		).toEqual({ remaining: undefined, resetAtMs: undefined });
		expect(header({ 'retry-after': null }, 'retry-after')).toBeUndefined();
		expect(header({}, 'retry-after')).toBeUndefined();
		expect(header({ 'retry-after': [] }, 'retry-after')).toBeUndefined();
		expect(header({ 'retry-after': 5 }, 'retry-after')).toBe('5');
		expect(retryAfterMs({ 'retry-after': '3' }, 0)).toBe(3000);
		expect(retryAfterMs({ 'retry-after': ['7'] }, 0)).toBe(7000);
		expect(
			retryAfterMs(
				{ 'retry-after': 'Thu, 31 Dec 2026 23:59:30 GMT' },
				Date.UTC(2026, 11, 31, 23, 59),
			),
		).toBe(30_000);
		expect(
			retryAfterMs({ 'retry-after': 'Thu, 31 Dec 2026 23:59:30 GMT' }, Date.UTC(2027, 0, 1)),
		).toBe(0);
		expect(retryAfterMs({}, 0)).toBeUndefined();
		expect(retryAfterMs({ 'x-ratelimit-reset': '10', 'x-ratelimit-remaining': '0' }, 4000)).toBe(
			6000,
		);
	});
});

describe('URLs', () => {
	test('the External API defaults to the platform URL', () => {
		expect(resolvePlatformUrls({ platformUrl: 'https://p.example/', apiUrl: '' })).toEqual({
			platformUrl: 'https://p.example',
			apiUrl: 'https://p.example/api/external/v1',
		});
		expect(
			resolvePlatformUrls({
				platformUrl: 'https://p.example',
				apiUrl: 'https://api.example/external-api/v1/',
			}).apiUrl,
		).toBe('https://api.example/external-api/v1');
		expect(
			resolvePlatformUrls({
				platformUrl: ' https://p.example// ',
				apiUrl: ' https://a.example// ',
			}),
		).toEqual({ platformUrl: 'https://p.example', apiUrl: 'https://a.example' });
	});

	test('connect link', () => {
		expect(
			buildConnectUrl({
				platformUrl: 'https://p.example',
				provider: 'google',
				clientId: 'c 1',
				scopes: ['google:gmail.send'],
				nonce: 'n',
				redirectOrigin: 'https://a.example',
			}),
		).toBe(
			'https://p.example/connect/google?client_id=c+1&scopes=google%3Agmail.send&nonce=n&redirect_origin=https%3A%2F%2Fa.example',
		);
	});
});

test('simplify leaves out what the platform did not send', () => {
	const simplified = simplifyExecution({ execution_id: 'e', status: 'QUEUED' });
	expect(Object.keys(simplified).sort()).toEqual(['execution_id', 'status']);
});

test('a callback URL must be http or https', () => {
	expect(parseHttpUrl('https://n8n.example/webhook/x')?.host).toBe('n8n.example');
	expect(parseHttpUrl('http://localhost:5678/webhook/x')?.port).toBe('5678');
	expect(parseHttpUrl('ftp://n8n.example/webhook/x')).toBeUndefined();
	expect(parseHttpUrl('javascript:alert(1)')).toBeUndefined();
	expect(parseHttpUrl('/webhook/x')).toBeUndefined();
});

test('simplify unwraps one-value lists only', () => {
	expect(
		simplifyExecution({
			execution_id: 'e',
			status: 'COMPLETED',
			outputs: { a: ['x'], b: ['y', 'z'], c: [] },
			started_at: 't',
		}),
	).toEqual({
		execution_id: 'e',
		status: 'completed',
		outputs: { a: 'x', b: ['y', 'z'], c: [] },
	});
});
