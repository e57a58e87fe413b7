import { boundResult } from '../../../nodes/AutoGpt/helpers/boundResult';

const size = (value: unknown) => JSON.stringify(value).length;

describe('bounding what goes back to a model', () => {
	test('a result that fits is returned as it is', () => {
		const items = [{ execution_id: 'ex-1', status: 'completed', outputs: { answer: 'short' } }];
		expect(boundResult(items, 1000)).toBe(items);
	});

	test('JSON escapes (quotes, newlines, non-ASCII) still fit the budget exactly', () => {
		const outputs = { text: '"quoted"\n\\ é ✓ '.repeat(5000) };
		for (const max of [1000, 1234, 5000, 20000]) {
			const bounded = boundResult([{ execution_id: 'ex-1', status: 'completed', outputs }], max);
			expect(size(bounded)).toBeLessThanOrEqual(max);
			expect(size(bounded)).toBeGreaterThan(max - 10);
			expect(bounded[0]).toMatchObject({ execution_id: 'ex-1', truncated: true });
		}
	});

	test('an execution keeps its identity; a long platform error is shortened', () => {
		const [bounded] = boundResult(
			[
				{
					execution_id: 'ex-1',
					agent_id: 'a-1',
					status: 'completed',
					error: 'e'.repeat(2000),
					outputs: { x: 'y'.repeat(50_000) },
				},
			],
			5000,
		);
		expect(bounded).toMatchObject({ execution_id: 'ex-1', agent_id: 'a-1', status: 'completed' });
		expect(String(bounded.error)).toHaveLength(501);
		expect(bounded.message).toMatch(/Execution → Get and execution_id "ex-1"/);
	});

	test('any other result (a long list) becomes a preview and says how to ask for less', () => {
		const grants = Array.from({ length: 500 }, (_, n) => ({ id: `g-${n}`, provider: 'google' }));
		const bounded = boundResult(grants, 3000);
		expect(size(bounded)).toBeLessThanOrEqual(3000);
		expect(bounded).toEqual([
			{
				truncated: true,
				message: expect.stringMatching(
					/^The result is \d+ characters of JSON, more than the 3000 this tool hands back; result_preview holds the first \d+\. Ask for less/,
				),
				result_preview: expect.stringMatching(/^\[\{"id":"g-0","provider":"google"\}/),
			},
		]);
	});

	test('a result exactly at the budget is returned as it is', () => {
		const items = [{ execution_id: 'ex-1', status: 'completed', outputs: { answer: 'fits' } }];
		expect(boundResult(items, size(items))).toBe(items);
		expect(boundResult(items, size(items) - 1)[0]).toMatchObject({ truncated: true });
	});

	test('an error of exactly 500 characters is kept whole; absent and null fields stay absent', () => {
		const [bounded] = boundResult(
			[
				{
					execution_id: 'ex-1',
					status: null,
					error: 'e'.repeat(500),
					outputs: { x: 'y'.repeat(9000) },
				},
			],
			3000,
		);
		expect(bounded.error).toBe('e'.repeat(500));
		expect(Object.keys(bounded).sort()).toEqual(
			['error', 'execution_id', 'message', 'outputs_preview', 'truncated'].sort(),
		);
	});

	test('outputs that fit once the identity is shortened are previewed whole', () => {
		const outputs = { answer: ['42'] };
		const [bounded] = boundResult(
			[{ execution_id: 'ex-1', status: 'failed', error: 'e'.repeat(5000), outputs }],
			1500,
		);
		expect(bounded.outputs_preview).toBe(JSON.stringify(outputs));
		expect(bounded.message).toMatch(/outputs_preview holds the first 17\./);
	});

	test('an execution without outputs is cut as a whole result, its identity kept', () => {
		const item = { execution_id: 'ex-2', status: 'failed', error: 'x'.repeat(3000) };
		const [bounded] = boundResult([item], 2000);
		expect(bounded).toMatchObject({ execution_id: 'ex-2', status: 'failed', truncated: true });
		expect(bounded.message).toMatch(/^The result is \d+ characters of JSON/);
		expect(bounded.message).toMatch(/execution_id "ex-2"/);
		expect(String(bounded.result_preview)).toMatch(/^\[\{"execution_id":"ex-2"/);
	});

	test('several executions, or one item that is no execution, are cut as a whole result', () => {
		const executions = [1, 2].map((n) => ({
			execution_id: `ex-${n}`,
			status: 'completed',
			outputs: { text: 'z'.repeat(3000) },
		}));
		const [many] = boundResult(executions, 2000);
		expect(many).not.toHaveProperty('execution_id');
		expect(String(many.result_preview)).toMatch(/^\[\{"execution_id":"ex-1"/);
		const [other] = boundResult([{ id: 'g-1', scopes: 's'.repeat(3000) }], 2000);
		expect(other.message).toMatch(/Ask for less/);
		expect(other).not.toHaveProperty('execution_id');
	});
});
