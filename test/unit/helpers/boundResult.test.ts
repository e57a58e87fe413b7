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
});
