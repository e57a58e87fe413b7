// (Test code: it runs in jest on Node and drives n8n from outside, never inside n8n.)
// 4. Every secret searched for in n8n's executions, its log and every error message; then the
// closing line of the ledger.

import { type Execution } from '../e2e/n8n-api';
import { table } from './support';
import { logText as readLog, type ReliabilitySuite } from './suite';

export function secrets(suite: ReliabilitySuite): void {
	const { ledger } = suite;

	describe('secrets', () => {
		test("no secret in any execution, in n8n's log or in any error message; then the closing line", async () => {
			for (const token of await suite.h.platform.tokens())
				ledger.remember(`${token.kind} token`, token.token);
			await suite.rememberSubscriptions();

			// Every execution n8n stored, with its data, through the public API's pages.
			const executionTexts: string[] = [];
			let cursor: string | undefined;
			let executionCount = 0;
			for (;;) {
				const page = await suite.h.n8n.api<{ data: unknown[]; nextCursor?: string | null }>(
					'GET',
					`/executions?includeData=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
				);
				executionCount += page.data.length;
				executionTexts.push(JSON.stringify(page.data));
				for (const execution of page.data as Execution[]) {
					const error = execution.data?.resultData.error;
					if (error) ledger.errorTexts.push(JSON.stringify(error));
					for (const runs of Object.values(execution.data?.resultData.runData ?? {})) {
						for (const run of runs)
							if (run.error) ledger.errorTexts.push(JSON.stringify(run.error));
					}
				}
				if (!page.nextCursor) break;
				cursor = page.nextCursor;
			}
			const executionsText = executionTexts.join('\n');
			const logText = readLog(suite);
			const errorsText = ledger.errorTexts.join('\n');

			const byKind = new Map<
				string,
				{ values: number; inExecutions: number; inLog: number; inErrors: number }
			>();
			for (const [value, kind] of ledger.secrets) {
				const row = byKind.get(kind) ?? { values: 0, inExecutions: 0, inLog: 0, inErrors: 0 };
				row.values++;
				if (executionsText.includes(value)) row.inExecutions++;
				if (logText.includes(value)) row.inLog++;
				if (errorsText.includes(value)) row.inErrors++;
				byKind.set(kind, row);
			}
			const leaked = [...byKind.values()].reduce(
				(sum, row) => sum + row.inExecutions + row.inLog + row.inErrors,
				0,
			);
			ledger.figures.leakedSecrets += leaked;
			ledger.print(
				table(
					`Secrets: searched in ${executionCount} n8n executions (with data, ${Math.round(executionsText.length / 1024)} KiB), n8n's log (${Math.round(logText.length / 1024)} KiB) and ${ledger.errorTexts.length} error texts`,
					['secret', 'values', 'found in executions', 'found in log', 'found in errors'],
					[...byKind.entries()].map(([kind, row]) => [
						kind,
						row.values,
						row.inExecutions,
						row.inLog,
						row.inErrors,
					]),
				),
			);

			const subscriptionsLeft = (await suite.h.platform.webhooks()).length;
			const closing = ledger.closingLine();
			ledger.print(
				`subscriptions left on the platform after every workflow was deactivated: ${subscriptionsLeft}`,
			);
			ledger.print(closing);
			ledger.writeSummary();

			expect(ledger.secrets.size).toBeGreaterThanOrEqual(8);
			expect([...byKind.keys()]).toEqual(
				expect.arrayContaining([
					'OAuth client secret',
					'OAuth client webhook secret',
					'AutoGPT API key',
					'subscription secret',
					'access token',
					'refresh token',
				]),
			);
			expect(leaked).toBe(0);
			expect(subscriptionsLeft).toBe(0);
			expect(ledger.figures.cases).toBeGreaterThanOrEqual(25);
			expect(ledger.figures.answeredAsExpected).toBe(ledger.figures.cases);
			expect(ledger.figures.executionsStartedByForgeries).toBe(0);
			expect(ledger.figures.duplicateRuns).toBe(0);
			expect(ledger.figures.lostDeliveries).toBe(0);
			expect(ledger.figures.duplicateRunsWithKeys).toBe(0);
			expect(ledger.figures.ambiguousErrorsWithKeys).toBe(0);
		});
	});
}
