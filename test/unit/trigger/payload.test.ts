import { parseDelivery } from '../../../nodes/AutoGpt/trigger/verification/payload';

const timestamp = '2026-11-22T20:00:00.123456+00:00';

describe('delivery payload (contract §6)', () => {
	it.each([
		['execution.started', { execution_id: 'e1', agent_id: 'a1', status: 'running' }],
		[
			'execution.completed',
			{ execution_id: 'e1', agent_id: 'a1', status: 'completed', outputs: { result: ['x'] } },
		],
		[
			'execution.completed',
			{ execution_id: 'e1', agent_id: 'a1', status: 'COMPLETED', outputs: {} },
		],
		['execution.failed', { execution_id: 'e1', agent_id: 'a1', status: 'failed', error: 'boom' }],
		['grant.revoked', { grant_id: 'g1', credential_id: 'c1', provider: 'google' }],
	])('accepts %s', (event, data) => {
		const result = parseDelivery({ event, timestamp, data });
		expect(result).toEqual({ ok: true, delivery: { event, timestamp, data } });
	});

	it('keeps fields of data it does not know', () => {
		const data = { grant_id: 'g1', credential_id: 'c1', provider: 'google', reason: 'user' };
		expect(parseDelivery({ event: 'grant.revoked', timestamp, data })).toMatchObject({
			ok: true,
			delivery: { data },
		});
	});

	it.each([
		[{ event: 'execution.paused', timestamp, data: {} }, 'event: unknown or missing'],
		[{ timestamp, data: {} }, 'event: unknown or missing'],
		[
			{ event: 'grant.revoked', data: { grant_id: 'g', credential_id: 'c', provider: 'p' } },
			'timestamp: Required',
		],
		[{ event: 'grant.revoked', timestamp }, 'data: Required'],
		[
			{ event: 'grant.revoked', timestamp, data: { grant_id: 'g', provider: 'p' } },
			'data.credential_id: Required',
		],
		[
			{
				event: 'execution.completed',
				timestamp,
				data: { execution_id: 'e', agent_id: 'a', status: 'completed' },
			},
			'data.outputs: Required',
		],
		[
			{
				event: 'execution.failed',
				timestamp,
				data: { execution_id: 'e', agent_id: 'a', status: 'failed' },
			},
			'data.error: Invalid input',
		],
		[
			{
				event: 'execution.started',
				timestamp,
				data: { execution_id: '', agent_id: 'a', status: 'running' },
			},
			'data.execution_id',
		],
		[
			{
				event: 'execution.started',
				timestamp,
				data: { execution_id: 1, agent_id: 'a', status: 'running' },
			},
			'data.execution_id',
		],
		[[], 'Expected object'],
		['text', 'Expected object'],
	])('rejects %j', (body, reason) => {
		const result = parseDelivery(body);
		expect(result.ok).toBe(false);
		expect(result.ok === false && result.reason).toContain(reason);
	});
});
