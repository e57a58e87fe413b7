// (Test code: it runs in jest on Node and drives n8n from outside, never inside n8n.)
// 1. Forged and broken deliveries against an active AutoGPT Trigger, each with its expected answer.
import { randomUUID } from 'crypto';

import { sleep } from '../e2e/processes';
import { triggerWorkflow } from '../e2e/workflows';
import { buildCorpus, type CorpusCase, type Receiver } from './corpus';
import {
	allExecutions,
	type Answer,
	completedPayload,
	post,
	rssMiB,
	settleExecutionCount,
	short,
	table,
} from './support';
import type { ReliabilitySuite } from './suite';

export function forgedDeliveries(suite: ReliabilitySuite): void {
	const { ledger } = suite;

	describe('forged and broken deliveries', () => {
		test('each case gets its expected answer, and only the valid ones start a workflow', async () => {
			const target = await suite.h.n8n.createWorkflow(
				triggerWorkflow('Reliability: corpus target', suite.apiKey, {
					events: ['execution.completed', 'execution.failed', 'execution.started'],
				}),
			);
			const other = await suite.h.n8n.createWorkflow(
				triggerWorkflow('Reliability: another subscription', suite.apiKey, { events: ['*'] }),
			);
			// two Manual triggers on one OAuth2 credential: one webhook secret, the OAuth client's
			const manual = await suite.h.n8n.createWorkflow(
				triggerWorkflow('Reliability: manual trigger', suite.oauth, {
					events: ['execution.completed'],
					registration: 'manual',
				}),
			);
			const otherManual = await suite.h.n8n.createWorkflow(
				triggerWorkflow('Reliability: another manual trigger', suite.oauth, {
					events: ['execution.completed'],
					registration: 'manual',
				}),
			);
			const receivers: Record<Receiver, { id: string; url: string }> = {
				target: { id: target.id, url: suite.webhookUrlOf(target) },
				manual: { id: manual.id, url: suite.webhookUrlOf(manual) },
				otherManual: { id: otherManual.id, url: suite.webhookUrlOf(otherManual) },
			};
			for (const workflow of [target, other, manual, otherManual])
				await suite.h.n8n.activateWorkflow(workflow.id);
			const url = receivers.target.url;
			const [subscription] = await suite.subscriptionAt(url);
			const [otherSubscription] = await suite.subscriptionAt(suite.webhookUrlOf(other));
			expect(subscription).toBeDefined();
			expect(otherSubscription).toBeDefined();

			const cases: CorpusCase[] = buildCorpus({
				url,
				secret: subscription.secret,
				otherSecret: otherSubscription.secret,
				clientSecret: suite.h.platform.info.webhookSecret,
				payloadLimitBytes: suite.payloadLimitMiB * 1024 * 1024,
			});
			const rows: Array<Array<string | number>> = [];
			const results: Array<{ entry: CorpusCase; answer: Answer; ok: boolean }> = [];
			for (const entry of cases) {
				await entry.before?.();
				const answer = await post(receivers[entry.to ?? 'target'].url, entry.build());
				const ok = entry.expected.includes(answer.status);
				results.push({ entry, answer, ok });
				if (answer.status >= 400) ledger.errorTexts.push(answer.body);
			}

			// Deliveries the sandbox itself makes (its own Python-exact bodies and signatures), and its replay.
			for (const mode of ['canonical', 'raw'] as const) {
				const data = {
					...(completedPayload().data as Record<string, unknown>),
					execution_id: randomUUID(),
				};
				const sent = await suite.h.platform.call<{ delivery_id: string }>('POST', 'deliver', {
					url,
					event: 'execution.completed',
					data,
					secret: subscription.secret,
					signatureMode: mode,
					retries: false,
				});
				const status = await sandboxDeliveryStatus(sent.delivery_id, 1);
				const entry: CorpusCase = {
					name: `valid, sent by the sandbox platform (${mode})`,
					why: "the platform stand-in's own delivery",
					expected: [200],
					starts: true,
					executionId: String(data.execution_id),
					build: () => {
						throw new Error('sent by the sandbox');
					},
				};
				results.push({ entry, answer: { status, body: '', ms: 0 }, ok: status === 200 });
				if (mode === 'canonical') {
					await suite.h.platform.call('POST', `deliveries/${sent.delivery_id}/resend`);
					const replayStatus = await sandboxDeliveryStatus(sent.delivery_id, 2);
					const replay: CorpusCase = {
						name: 'replay: the sandbox resends that delivery (same bytes and signature)',
						why: '§6 replay',
						expected: [401],
						starts: false,
						build: entry.build,
					};
					results.push({
						entry: replay,
						answer: { status: replayStatus, body: '', ms: 0 },
						ok: replayStatus === 401,
					});
				}
			}

			// Executions: exactly one per valid case, at the trigger it was sent to; none for anything else.
			const mustStart = results.filter((result) => result.entry.starts);
			let started = 0;
			let startedByForgeries = (await allExecutions(suite.h.n8n, other.id)).length;
			let doubled = 0;
			let lost = 0;
			const deliveredIds: string[] = [];
			for (const [name, receiver] of Object.entries(receivers)) {
				const expectedHere = mustStart.filter((result) => (result.entry.to ?? 'target') === name);
				started += await settleExecutionCount(
					suite.h.n8n,
					receiver.id,
					expectedHere.length,
					60_000,
				);
				const idsHere = await suite.deliveredExecutionIds(receiver.id);
				const expectedIds = new Set(expectedHere.map((result) => result.entry.executionId));
				startedByForgeries += idsHere.filter((id) => !expectedIds.has(id)).length;
				doubled += idsHere.length - new Set(idsHere).size;
				lost += [...expectedIds].filter((id) => !idsHere.includes(id!)).length;
				deliveredIds.push(...idsHere);
			}

			results.forEach(({ entry, answer, ok }, index) => {
				const runs = entry.executionId
					? deliveredIds.filter((id) => id === entry.executionId).length
					: 0;
				rows.push([
					index + 1,
					entry.name,
					entry.expected.map((status) => (status === -1 ? 'closed' : status)).join('/'),
					answer.status === -1 ? 'closed' : answer.status,
					short(answer.body, 44),
					entry.starts ? 1 : 0,
					runs,
					ok ? 'yes' : 'NO',
				]);
			});
			ledger.print(
				table(
					'Forged and broken deliveries (AutoGPT Trigger, real n8n)',
					[
						'#',
						'case',
						'expected',
						'answer',
						'answer body',
						'must start',
						'started',
						'as expected',
					],
					rows,
				),
			);
			ledger.print(
				`corpus: ${results.length} cases, ${results.filter((r) => r.ok).length} answered as expected; ` +
					`${mustStart.length} valid, ${started} workflow executions started; by forgeries ${startedByForgeries}; doubled ${doubled}; lost ${lost}`,
			);

			ledger.figures.cases += results.length;
			ledger.figures.answeredAsExpected += results.filter((r) => r.ok).length;
			ledger.figures.executionsStartedByForgeries += startedByForgeries;
			ledger.figures.duplicateRuns += doubled;
			ledger.figures.lostDeliveries += lost;

			for (const workflow of [target, other, manual, otherManual])
				await suite.h.n8n.deactivateWorkflow(workflow.id);
			ledger.memory.push(['after the corpus', rssMiB(suite.h.n8nPid)]);
			const left = (await suite.h.platform.webhooks()).filter(
				(s) => s.url === url || s.url === suite.webhookUrlOf(other),
			).length;

			expect(
				results
					.filter((r) => !r.ok)
					.map((r) => `${r.entry.name}: ${r.answer.status} ${r.answer.body}`),
			).toEqual([]);
			expect(results.length).toBeGreaterThanOrEqual(25);
			expect(started).toBe(mustStart.length);
			expect(startedByForgeries).toBe(0);
			expect(doubled).toBe(0);
			expect(lost).toBe(0);
			expect(left).toBe(0);
		});
	});

	async function sandboxDeliveryStatus(deliveryId: string, attempt: number): Promise<number> {
		const deadline = Date.now() + 20_000;
		while (Date.now() < deadline) {
			const deliveries = await suite.h.platform.call<
				Array<{ delivery_id: string; attempt: number; status: number | null }>
			>('GET', 'deliveries');
			const found = deliveries.find((d) => d.delivery_id === deliveryId && d.attempt === attempt);
			if (found) return found.status ?? -1;
			await sleep(100);
		}
		throw new Error(`the sandbox recorded no attempt ${attempt} of delivery ${deliveryId}`);
	}
}
