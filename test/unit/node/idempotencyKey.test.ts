// The pure parts of idempotency keys (contract §12): the key an item is started under, the check
// of a user's own key, the echo, and the words for a keyed execute that failed.
import {
	deriveIdempotencyKey,
	echoesKey,
	idempotencyKeyProblem,
	keyedFailureHint,
	type KeySource,
} from '../../../nodes/AutoGpt/transport/idempotency';

const source: KeySource = {
	instanceId: '4f1b0c2d9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c',
	workflowId: 'Xq3vB8kLm2Np7RsT',
	executionId: '1042',
	nodeId: '6f0e1d2c-3b4a-5968-7f6e-5d4c3b2a1908',
	runIndex: 0,
	itemIndex: 3,
};

describe('deriveIdempotencyKey', () => {
	test('the same inputs give the same key, every time', () => {
		expect(deriveIdempotencyKey({ ...source })).toBe(deriveIdempotencyKey(source));
	});

	test('a difference in any one part gives a different key', () => {
		const changes: Array<Partial<KeySource>> = [
			{ instanceId: `${source.instanceId.slice(0, -1)}d` },
			{ workflowId: 'Xq3vB8kLm2Np7RsU' },
			{ executionId: '1043' },
			{ nodeId: '6f0e1d2c-3b4a-5968-7f6e-5d4c3b2a1909' },
			{ runIndex: 1 },
			{ itemIndex: 4 },
			// Parts that would read the same if they were only joined with dashes.
			{ executionId: '1042-0', runIndex: 0, itemIndex: 3 },
		];
		const keys = new Set([deriveIdempotencyKey(source)]);
		for (const change of changes) keys.add(deriveIdempotencyKey({ ...source, ...change }));
		expect(keys.size).toBe(changes.length + 1);
	});

	test('it reads execution, run and item, then a digest of every part', () => {
		expect(deriveIdempotencyKey(source)).toMatch(/^n8n-1042-0-3-[A-Za-z0-9_-]{32}$/);
	});

	test('at most 255 visible ASCII characters, also for a long or non-ASCII execution ID', () => {
		for (const executionId of ['1042', 'x'.repeat(1000), 'ausführung 7', '']) {
			const key = deriveIdempotencyKey({ ...source, executionId });
			expect(key.length).toBeLessThanOrEqual(255);
			expect(key).toMatch(/^[\x21-\x7e]+$/);
			expect(idempotencyKeyProblem(key)).toBeUndefined();
		}
		expect(deriveIdempotencyKey({ ...source, executionId: 'x'.repeat(1000) })).toMatch(
			/^n8n-[A-Za-z0-9_-]{32}$/,
		);
	});

	test('a key of exactly 255 characters stays readable; one character more is only the digest', () => {
		// n8n-<execution>-0-3-<32-character digest>: 41 characters besides the execution ID
		expect(deriveIdempotencyKey({ ...source, executionId: 'x'.repeat(214) })).toHaveLength(255);
		expect(deriveIdempotencyKey({ ...source, executionId: 'x'.repeat(214) })).toMatch(
			/^n8n-x{214}-0-3-/,
		);
		expect(deriveIdempotencyKey({ ...source, executionId: 'x'.repeat(215) })).toMatch(
			/^n8n-[A-Za-z0-9_-]{32}$/,
		);
	});

	test('no secret in it: the instance ID (a hash of n8n key material) shows only through the digest', () => {
		const key = deriveIdempotencyKey(source);
		for (const part of [source.instanceId, source.workflowId, source.nodeId]) {
			expect(key).not.toContain(part);
			expect(key).not.toContain(part.slice(0, 8));
		}
		// The key is made of these six parts only: there is no way to hand it a credential.
		expect(Object.keys(source).sort()).toEqual(
			['executionId', 'instanceId', 'itemIndex', 'nodeId', 'runIndex', 'workflowId'].sort(),
		);
	});
});

describe('idempotencyKeyProblem (a user’s own key)', () => {
	test.each([
		['order-1042', undefined],
		['k'.repeat(255), undefined],
		['!~', undefined],
		['', 'it is empty'],
		['k'.repeat(256), 'it has 256 characters, more than 255'],
		['order 1042', 'it contains a space; only visible ASCII characters (no spaces) are allowed'],
		['order\t1', 'it contains "\\t"; only visible ASCII characters (no spaces) are allowed'],
		['bestellung-müller', 'it contains "ü"; only visible ASCII characters (no spaces) are allowed'],
	])('%j → %s', (key, problem) => {
		expect(idempotencyKeyProblem(key)).toBe(problem);
	});
});

describe('echoesKey', () => {
	test('the echo header as n8n hands it over (lower-case name), a string or a list', () => {
		expect(echoesKey({ 'idempotency-key': 'k-1' }, 'k-1')).toBe(true);
		expect(echoesKey({ 'idempotency-key': ['k-1'] }, 'k-1')).toBe(true);
		expect(echoesKey({ 'idempotency-key': 'k-2' }, 'k-1')).toBe(false);
		expect(echoesKey({}, 'k-1')).toBe(false);
		expect(echoesKey(undefined, 'k-1')).toBe(false);
	});
});

describe('keyedFailureHint', () => {
	test('a key reused for another request names the key and both ways out', () => {
		const hint = keyedFailureHint(
			422,
			'Idempotency-Key reused with a different request',
			'order-7',
			true,
		);
		expect(hint).toMatch(/"order-7"/);
		expect(hint).toMatch(/Idempotency Key option/);
		expect(hint).toMatch(/\$now/);
	});

	test('an ambiguous failure after the tries allowed says at most one run started', () => {
		for (const status of [undefined, 409, 500, 502]) {
			expect(keyedFailureHint(status, undefined, 'k', true)).toMatch(/at most one run started/);
		}
	});

	test('a 409 whose words name the Idempotency-Key (a request still in progress) is ambiguous, not a reused key', () => {
		const hint = keyedFailureHint(
			409,
			'A request with this Idempotency-Key is still in progress',
			'k',
			true,
		);
		expect(hint).toMatch(/at most one run started/);
		expect(hint).not.toMatch(/another agent or with other inputs/);
	});

	test('nothing to add where the platform was not shown to store keys, or for other errors', () => {
		expect(keyedFailureHint(502, undefined, 'k', false)).toBeUndefined();
		expect(keyedFailureHint(undefined, undefined, 'k', false)).toBeUndefined();
		expect(keyedFailureHint(422, 'inputs: Field required', 'k', true)).toBeUndefined();
		expect(keyedFailureHint(404, 'Agent not found', 'k', true)).toBeUndefined();
	});
});
