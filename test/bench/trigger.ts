/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- bench code runs in its own Node process against n8n, never inside n8n */
// Benchmark 2: signed deliveries per second accepted by the AutoGPT Trigger in real n8n against
// n8n's plain Webhook node, same payload, same concurrency; latency percentiles. Deliveries are
// built and signed with the sandbox's code, as the platform would send them.
import { randomUUID } from 'crypto';
import http from 'http';

import { triggerWorkflow } from '../e2e/workflows';
import { signedAsPlatform } from '../e2e/queue/testkit';
import { pythonIsoformat } from '../sandbox/clock';
import { fmt, log, percentile, table } from './report';
import { type BenchStack, graph, node } from './stack';
import { completedPayload } from './verification';

export const CONCURRENCY = 20;
/** Per receiver; BENCH_TRIGGER_REQUESTS overrides (an even number). */
export const MEASURED_PER_SIDE = Number(process.env.BENCH_TRIGGER_REQUESTS ?? 600);
const WARM_UP = 60;
const PAYLOAD_BYTES = 1024;

/**
 * webhook: n8n's Webhook node v2 with static parameters, which n8n 2.40 serves without taking its
 * expression isolate. webhookV1: the same node at version 1, which n8n serves the way it serves every
 * other trigger node, the AutoGPT Trigger included: it first takes one of the expression engine's
 * isolates (N8N_EXPRESSION_ENGINE_POOL_SIZE, default 1) for the webhook phase.
 */
type Side = 'trigger' | 'webhook' | 'webhookV1';

interface Phase {
	side: Side;
	requests: number;
	elapsedMs: number;
	latenciesMs: number[];
	non2xx: number;
}

export interface SideResult {
	side: Side;
	requests: number;
	elapsedMs: number;
	perSecond: number;
	p50Ms: number;
	p99Ms: number;
	non2xx: number;
}

export interface TriggerResult {
	concurrency: number;
	payloadBytes: number;
	trigger: SideResult;
	webhook: SideResult;
	webhookV1: SideResult;
	triggerVsWebhook: number;
	triggerVsWebhookV1: number;
}

interface Prepared {
	body: Buffer;
	headers: Record<string, string>;
}

/** One delivery as the platform sends it (§6): Python's wire JSON, signed over the canonical form. */
function delivery(secret: string): Prepared {
	return signedAsPlatform(secret, completedPayload(PAYLOAD_BYTES, pythonIsoformat(Date.now())));
}

async function fire(
	url: string,
	deliveries: Prepared[],
	agent: http.Agent,
): Promise<Omit<Phase, 'side'>> {
	const target = new URL(url);
	const latenciesMs: number[] = [];
	let non2xx = 0;
	let next = 0;
	const send = (prepared: Prepared) =>
		new Promise<number>((resolve, reject) => {
			const request = http.request(
				{
					host: target.hostname,
					port: target.port,
					path: target.pathname,
					method: 'POST',
					headers: prepared.headers,
					agent,
				},
				(response) => {
					response.resume();
					response.on('end', () => resolve(response.statusCode ?? 0));
				},
			);
			request.on('error', reject);
			request.end(prepared.body);
		});
	const started = performance.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < deliveries.length) {
				const prepared = deliveries[next++];
				const sent = performance.now();
				const status = await send(prepared);
				latenciesMs.push(performance.now() - sent);
				if (status < 200 || status > 299) non2xx++;
			}
		}),
	);
	return {
		requests: deliveries.length,
		elapsedMs: performance.now() - started,
		latenciesMs,
		non2xx,
	};
}

function summarize(side: Side, phases: Phase[]): SideResult {
	const mine = phases.filter((phase) => phase.side === side);
	const latencies = mine.flatMap((phase) => phase.latenciesMs).sort((a, b) => a - b);
	const requests = mine.reduce((sum, phase) => sum + phase.requests, 0);
	const elapsedMs = mine.reduce((sum, phase) => sum + phase.elapsedMs, 0);
	return {
		side,
		requests,
		elapsedMs,
		perSecond: requests / (elapsedMs / 1000),
		p50Ms: percentile(latencies, 0.5),
		p99Ms: percentile(latencies, 0.99),
		non2xx: mine.reduce((sum, phase) => sum + phase.non2xx, 0),
	};
}

export async function runTriggerBench(
	bench: BenchStack,
): Promise<{ result: TriggerResult; text: string }> {
	const tag = randomUUID().slice(0, 8);
	const credential = await bench.newCredential(`bench trigger ${tag}`);
	const before = new Set((await bench.admin.webhooks()).map((subscription) => subscription.id));
	const triggerFlow = triggerWorkflow(`bench: AutoGPT Trigger ${tag}`, credential, {
		events: ['execution.completed'],
		registration: 'automatic',
	});
	await bench.publish(triggerFlow);
	const subscription = (await bench.admin.webhooks()).find((each) => !before.has(each.id));
	if (!subscription)
		throw new Error('the AutoGPT Trigger registered no subscription on activation');
	const plainPath = `bench-plain-${tag}`;
	await bench.publish(
		graph(
			`bench: plain Webhook ${tag}`,
			plainPath,
			[node('Received', 'n8n-nodes-base.noOp', 1, {})],
			[['Webhook', 0, 'Received']],
		),
	);
	const v1Path = `bench-plain-v1-${tag}`;
	const v1 = graph(
		`bench: plain Webhook v1 ${tag}`,
		v1Path,
		[node('Received', 'n8n-nodes-base.noOp', 1, {})],
		[['Webhook', 0, 'Received']],
	);
	v1.nodes[0].typeVersion = 1;
	await bench.publish(v1);
	const urls: Record<Side, string> = {
		trigger: subscription.url,
		webhook: `${bench.stack.n8nUrl}/webhook/${plainPath}`,
		webhookV1: `${bench.stack.n8nUrl}/webhook/${v1Path}`,
	};
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
	const phases: Phase[] = [];
	const phase = async (side: Side, requests: number, measured: boolean) => {
		// Signed just before sending: the trigger refuses a timestamp 5 minutes old, and a replay.
		const deliveries = Array.from({ length: requests }, () => delivery(subscription.secret));
		const outcome = await fire(urls[side], deliveries, agent);
		if (measured) phases.push({ side, ...outcome });
		log(
			`2. ${side}: ${requests} requests, ${fmt(requests / (outcome.elapsedMs / 1000), 0)}/s${measured ? '' : ' (warm-up)'}`,
		);
		if (outcome.non2xx > 0) log(`2. ${side}: ${outcome.non2xx} answers were not 2xx`);
	};
	try {
		await phase('webhook', WARM_UP, false);
		await phase('trigger', WARM_UP, false);
		await phase('webhookV1', WARM_UP, false);
		// Halves in mirrored order: drift (n8n's growing execution table, other load) favours no side.
		const half = Math.round(MEASURED_PER_SIDE / 2);
		for (const side of [
			'webhook',
			'trigger',
			'webhookV1',
			'webhookV1',
			'trigger',
			'webhook',
		] as Side[]) {
			await phase(side, half, true);
		}
	} finally {
		agent.destroy();
	}
	const trigger = summarize('trigger', phases);
	const webhook = summarize('webhook', phases);
	const webhookV1 = summarize('webhookV1', phases);
	const result: TriggerResult = {
		concurrency: CONCURRENCY,
		payloadBytes: PAYLOAD_BYTES,
		trigger,
		webhook,
		webhookV1,
		triggerVsWebhook: trigger.perSecond / webhook.perSecond,
		triggerVsWebhookV1: trigger.perSecond / webhookV1.perSecond,
	};
	const names: Record<Side, string> = {
		webhook: 'n8n Webhook node v2 (static: no isolate)',
		webhookV1: 'n8n Webhook node v1 (isolate, as any trigger)',
		trigger: 'AutoGPT Trigger (isolate + verification)',
	};
	const text = table(
		`2. Trigger throughput: ${MEASURED_PER_SIDE} signed deliveries per side (~${PAYLOAD_BYTES} B, canonical signature) after ${WARM_UP} warm-up, concurrency ${CONCURRENCY}, each starts an n8n run`,
		['receiver', 'requests', 'seconds', 'per second', 'p50 ms', 'p99 ms', 'non-2xx', '× webhook'],
		[webhook, webhookV1, trigger].map((side) => [
			names[side.side],
			side.requests,
			fmt(side.elapsedMs / 1000, 1),
			fmt(side.perSecond, 1),
			fmt(side.p50Ms, 1),
			fmt(side.p99Ms, 1),
			side.non2xx,
			fmt(side.perSecond / webhook.perSecond),
		]),
	);
	return { result, text };
}
