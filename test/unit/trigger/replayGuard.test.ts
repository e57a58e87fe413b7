import {
	ReplayGuard,
	replayGuardFor,
} from '../../../nodes/AutoGpt/trigger/verification/replayGuard';

describe('ReplayGuard', () => {
	it('refuses a key seen before it expires, and remembers atomically', () => {
		const guard = new ReplayGuard();
		expect(guard.isReplay('a', 1000, 5000)).toBe(false);
		expect(guard.isReplay('a', 2000, 6000)).toBe(true);
		expect(guard.isReplay('b', 2000, 6000)).toBe(false);
	});

	it('forgets a key once it expired, and accepts it again', () => {
		const guard = new ReplayGuard();
		guard.isReplay('a', 1000, 5000);
		expect(guard.isReplay('a', 5000, 9000)).toBe(false);
		expect(guard.isReplay('a', 6000, 9000)).toBe(true);
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

	it('replayGuardFor keeps one guard per scope for the life of the process', () => {
		const first = replayGuardFor('workflow-1:node-1');
		expect(replayGuardFor('workflow-1:node-1')).toBe(first);
		expect(replayGuardFor('workflow-1:node-2')).not.toBe(first);
	});
});
