import { createHmac } from 'crypto';

import { ReplayGuard, replayKeyOf } from '../../../nodes/AutoGpt/trigger/verification/replayGuard';

describe('ReplayGuard', () => {
	it('refuses a key seen before it expires, and remembers atomically', () => {
		const guard = new ReplayGuard();
		expect(guard.isReplay('a', 1000, 5000)).toBe(false);
		expect(guard.isReplay('a', 2000, 6000)).toBe(true);
		expect(guard.isReplay('b', 2000, 6000)).toBe(false);
	});

	it('remembers a key through its expiry, inclusive, then forgets it and accepts it again', () => {
		const guard = new ReplayGuard();
		guard.isReplay('a', 1000, 5000);
		expect(guard.isReplay('a', 5000, 9000)).toBe(true);
		expect(guard.isReplay('a', 5001, 9000)).toBe(false);
		expect(guard.isReplay('a', 6000, 9000)).toBe(true);
	});

	it('a key is still remembered at its expiry when an earlier key is swept then', () => {
		const guard = new ReplayGuard();
		guard.isReplay('early', 0, 1000);
		guard.isReplay('late', 0, 2000);
		// at 2000 'early' has expired and is swept; 'late' is remembered through 2000, inclusive
		expect(guard.isReplay('late', 2000, 9000)).toBe(true);
	});

	it('holds no expired entry: memory is bounded by the window', () => {
		const guard = new ReplayGuard();
		for (let index = 0; index < 1000; index++) guard.isReplay(`k${index}`, index, index + 100);
		expect(guard.size).toBeLessThanOrEqual(101);
		guard.isReplay('late', 10_000, 10_100);
		expect(guard.size).toBe(1);
	});

	it('handles expiries out of insertion order', () => {
		const guard = new ReplayGuard();
		guard.isReplay('long', 0, 10_000);
		guard.isReplay('short', 0, 100);
		expect(guard.isReplay('short', 200, 300)).toBe(false);
		expect(guard.isReplay('long', 200, 10_000)).toBe(true);
	});

	it('never holds more than its ceiling', () => {
		const guard = new ReplayGuard(10);
		for (let index = 0; index < 50; index++) guard.isReplay(`k${index}`, 0, 1_000_000);
		expect(guard.size).toBe(10);
		expect(guard.isReplay('k49', 1, 1_000_000)).toBe(true);
	});

	it('remember keeps the later of two expiries, and nothing already past', () => {
		const guard = new ReplayGuard();
		guard.remember('a', 5000, 1000);
		guard.remember('a', 3000, 1000);
		guard.remember('gone', 900, 1000);
		expect(guard.entries(1000)).toEqual([['a', 5000]]);
		expect(guard.has('a', 5000)).toBe(true);
		expect(guard.has('a', 5001)).toBe(false);
	});
});

describe('replayKeyOf', () => {
	const mac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest();

	it('is one key per secret and payload, and is not the MAC itself', () => {
		const key = replayKeyOf(mac('s1', '{"a":1}'));
		expect(replayKeyOf(mac('s1', '{"a":1}'))).toBe(key);
		expect(replayKeyOf(mac('s2', '{"a":1}'))).not.toBe(key);
		expect(replayKeyOf(mac('s1', '{"a":2}'))).not.toBe(key);
		expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(mac('s1', '{"a":1}').toString('base64url')).not.toContain(key);
	});
});
