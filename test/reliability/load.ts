/* eslint-disable @n8n/community-nodes/no-restricted-globals */
// (Test code: it runs in jest on Node and drives n8n from outside, never inside n8n.)
// 3. Signed deliveries at concurrency 20: one execution each; n8n's memory sampled as a figure.
import { randomUUID } from 'crypto';

import { sleep } from '../e2e/processes';
import { triggerWorkflow } from '../e2e/workflows';
import {
	allExecutions,
	completedPayload,
	post,
	rssMiB,
	settleExecutionCount,
	signedDelivery,
	table,
} from './support';
import type { ReliabilitySuite } from './suite';

export function load(suite: ReliabilitySuite): void {
	const { ledger } = suite;

	const LOAD_DELIVERIES = Number(process.env.RELIABILITY_LOAD ?? 1000);
	const LOAD_CONCURRENCY = 20;

	describe('load', () => {
		test(`${LOAD_DELIVERIES} signed deliveries at concurrency ${LOAD_CONCURRENCY}: one execution each, memory stable`, async () => {
			const workflow = await suite.h.n8n.createWorkflow(
				triggerWorkflow('Reliability: load', suite.apiKey, { events: ['*'] }),
			);
			await suite.h.n8n.activateWorkflow(workflow.id);
			const url = suite.webhookUrlOf(workflow);
			const [subscription] = await suite.subscriptionAt(url);

			// Five rounds of 200 at concurrency 20. After each round has run, and n8n has been idle 2 s,
			// its RSS is read: the first round pays for warming up; a leak would show as growth from
			// round to round after that. RSS is also sampled every 250 ms for the peak.
			const ids: string[] = Array.from({ length: LOAD_DELIVERIES }, () => randomUUID());
			const rounds = 5;
			const perRound = Math.ceil(ids.length / rounds);
			const statuses = new Map<number, number>();
			const latencies: number[] = [];
			const samples: number[] = [];
			const startRss = rssMiB(suite.h.n8nPid);
			const afterRound: number[] = [];
			const sampler = setInterval(() => samples.push(rssMiB(suite.h.n8nPid)), 250);
			const started = Date.now();
			let count = 0;
			try {
				for (let round = 0; round < rounds; round++) {
					const slice = ids.slice(round * perRound, (round + 1) * perRound);
					let next = 0;
					await Promise.all(
						Array.from({ length: LOAD_CONCURRENCY }, async () => {
							while (next < slice.length) {
								const index = round * perRound + next++;
								const payload = completedPayload(Date.now(), {
									execution_id: ids[index],
									sequence: index,
								});
								const answer = await post(
									url,
									signedDelivery(subscription.secret, payload, {
										form: index % 2 ? 'raw' : 'canonical',
									}),
								);
								statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
								latencies.push(answer.ms);
							}
						}),
					);
					count = await settleExecutionCount(
						suite.h.n8n,
						workflow.id,
						Math.min(ids.length, (round + 1) * perRound),
						5 * 60_000,
					);
					await sleep(2_000);
					afterRound.push(rssMiB(suite.h.n8nPid));
				}
			} finally {
				clearInterval(sampler);
			}
			const settledMs = Date.now() - started;
			const endRss = afterRound[afterRound.length - 1];
			const peakRss = Math.max(startRss, ...afterRound, ...samples);
			const growthAfterWarmup = endRss - afterRound[0];
			ledger.memory.push(['after the load', endRss]);

			const delivered = await suite.deliveredExecutionIds(workflow.id);
			const seen = new Map<string, number>();
			for (const id of delivered) seen.set(id, (seen.get(id) ?? 0) + 1);
			const lost = ids.filter((id) => !seen.has(id)).length;
			const doubled = [...seen.values()].filter((n) => n > 1).reduce((sum, n) => sum + n - 1, 0);
			const strangers = delivered.filter((id) => !ids.includes(id)).length;
			const statusStats = await executionStatuses(workflow.id);
			await suite.h.n8n.deactivateWorkflow(workflow.id);

			latencies.sort((a, b) => a - b);
			const pct = (p: number) =>
				latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
			ledger.print(
				table(
					'Load: signed deliveries to one active AutoGPT Trigger (real n8n)',
					['figure', 'value'],
					[
						['deliveries sent', ids.length],
						['concurrency', LOAD_CONCURRENCY],
						['answers', [...statuses.entries()].map(([status, n]) => `${status}×${n}`).join(' ')],
						[
							'answer latency p50 / p95 / max',
							`${pct(50)} / ${pct(95)} / ${latencies[latencies.length - 1]} ms`,
						],
						[
							'all sent and run in',
							`${(settledMs / 1000).toFixed(1)} s (${Math.round(ids.length / (settledMs / 1000))}/s, with 2 s pauses to read memory)`,
						],
						['n8n executions', `${count} (${statusStats})`],
						['lost / doubled / unknown execution_ids', `${lost} / ${doubled} / ${strangers}`],
						['n8n RSS start / peak / end', `${startRss} / ${peakRss} / ${endRss} MiB`],
						[`n8n RSS after each round of ${perRound}`, `${afterRound.join(', ')} MiB`],
						['growth from round 1 to round 5', `${Math.round(growthAfterWarmup)} MiB`],
						[
							'n8n RSS at the end of each section',
							ledger.memory.map(([when, rss]) => `${when} ${rss}`).join(', ') + ' MiB',
						],
					],
				),
			);
			ledger.figures.lostDeliveries += lost;
			ledger.figures.duplicateRuns += doubled;
			ledger.figures.executionsStartedByForgeries += strangers;

			expect(statuses.get(200)).toBe(ids.length);
			expect(count).toBe(ids.length);
			expect(lost).toBe(0);
			expect(doubled).toBe(0);
			expect(strangers).toBe(0);
			// Memory is a figure (printed above), not an assertion: it depends on what else the machine runs.
		});
	});

	async function executionStatuses(workflowId: string): Promise<string> {
		const counts = new Map<string, number>();
		for (const execution of await allExecutions(suite.h.n8n, workflowId))
			counts.set(execution.status, (counts.get(execution.status) ?? 0) + 1);
		return [...counts.entries()].map(([status, n]) => `${status} ${n}`).join(', ');
	}
}
