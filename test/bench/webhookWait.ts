/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- bench code runs in its own Node process against n8n, never inside n8n */
// Benchmark 5: Agent → Execute with Wait Mode "Poll" against "Webhook": N agent runs of D seconds
// under the contract's default limits, in real n8n. Wall time against the ideal, the platform
// reads, the calls to n8n, and n8n's resident memory while the runs go on.
import { readFileSync } from 'fs';

import { nodeOutput } from '../e2e/n8n-api';
import { connectOAuth2Credential, oauth2CredentialData } from '../e2e/platform';
import { agentLocator, autoGptNode } from '../e2e/workflows';
import { DEFAULT_LIMITS, idealMs, QUEUED_SECONDS } from './executeAndWait';
import { fmt, log, median, sleep, table } from './report';
import { type BenchStack, graph, splitItems } from './stack';

export const WEBHOOK_ITEMS = Number(process.env.BENCH_WEBHOOK_ITEMS ?? 100);
export const WEBHOOK_AGENT_SECONDS = 60;
/** The sandbox's time factor: agents of 60 s take 60 s × this in real time (rate windows do not scale). */
export const WEBHOOK_TIME_FACTOR = Number(process.env.BENCH_WEBHOOK_TIME_FACTOR ?? 1);

export interface WaitModeResult {
	mode: 'poll' | 'webhook';
	wallMs: number;
	idealMs: number;
	vsIdeal: number;
	executes: number;
	reads: number;
	readsPerItem: number;
	answers429: number;
	/** Calls to n8n's resume URL (deliveries, retries included) and how many n8n refused with 409. */
	calls: number;
	calls409: number;
	itemsFailed: number;
	/** n8n's main process: RSS before the run, and the median from the last start to the end. */
	rssBeforeMb: number;
	rssWhileWaitingMb: number;
	rssPeakMb: number;
	note?: string;
}

function rssMb(pid: number): number {
	try {
		const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) / 1024 : NaN;
	} catch {
		return NaN;
	}
}

async function runMode(bench: BenchStack, mode: 'poll' | 'webhook'): Promise<WaitModeResult> {
	const { stack, admin } = bench;
	// Fresh windows and executions, then the default limits; a credential of its own (the node's
	// rate budget is per credential), connected after the reset that forgets every token.
	await admin.call('POST', 'reset');
	await admin.config({ rateLimits: DEFAULT_LIMITS, timeFactor: WEBHOOK_TIME_FACTOR });
	const created = await stack.n8n.createCredential(
		`bench wait ${mode} ${Date.now()}`,
		'autoGptOAuth2Api',
		oauth2CredentialData(stack.sandbox),
	);
	await connectOAuth2Credential(stack.n8n, admin, created.id);
	const path = `bench-wait-${mode}-${Date.now()}`;
	const workflowId = await bench.publish(
		graph(
			`bench: Wait Mode ${mode} (${path})`,
			path,
			[
				splitItems(),
				autoGptNode(
					'AutoGPT',
					{ ...created, type: 'autoGptOAuth2Api' },
					{
						resource: 'agent',
						operation: 'execute',
						agent: agentLocator(bench.agents.slow),
						inputSource: 'fields',
						inputFields: { input: [{ name: 'seconds', value: String(WEBHOOK_AGENT_SECONDS) }] },
						waitForCompletion: true,
						waitMode: mode,
						options: { timeout: 3600 },
					},
				),
			],
			[
				['Webhook', 0, 'Items'],
				['Items', 0, 'AutoGPT'],
			],
		),
	);

	const pid = stack.pids.n8n;
	const rssBeforeMb = rssMb(pid);
	const samples: Array<{ at: number; mb: number }> = [];
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			samples.push({ at: Date.now(), mb: rssMb(pid) });
			await sleep(1000);
		}
	})();
	const items = Array.from({ length: WEBHOOK_ITEMS }, (_item, index) => ({ item: index }));
	// n8n's own startedAt → stoppedAt is the wall time; a slow poll spares its database.
	const run = await bench.runWebhook(
		workflowId,
		path,
		{ items },
		{ timeoutMs: 60 * 60_000, pollMs: 2000 },
	);
	sampling = false;
	await sampler;

	const requests = await admin.call<
		Array<{ method: string; path: string; status: number; at: string }>
	>('GET', 'requests');
	const api = requests.filter((request) => request.path.includes('/executions'));
	const executes = api.filter((r) => r.method === 'POST' && r.path.endsWith('/execute'));
	const reads = api.filter((r) => r.method === 'GET').length;
	const lastStart = Math.max(...executes.map((r) => Date.parse(r.at)));
	const waitingSamples = samples.filter((sample) => sample.at >= lastStart).map((s) => s.mb);
	const deliveries = await admin.call<Array<{ status: number | null; url: string }>>(
		'GET',
		'deliveries',
	);
	const calls = deliveries.filter((delivery) => delivery.url.includes('/webhook-waiting/'));
	const completed = nodeOutput(run.execution, 'AutoGPT').filter(
		(item) => String(item.json.status).toLowerCase() === 'completed',
	).length;
	const runMs = (QUEUED_SECONDS + WEBHOOK_AGENT_SECONDS) * 1000 * WEBHOOK_TIME_FACTOR;
	// Poll's ideal ends with one status read per run; Webhook's needs none: AutoGPT's call is all.
	const ideal =
		mode === 'poll'
			? idealMs(DEFAULT_LIMITS, WEBHOOK_ITEMS, runMs)
			: idealMs({ ...DEFAULT_LIMITS, read: { perMinute: 0, perHour: 0 } }, WEBHOOK_ITEMS, runMs);
	const error = run.execution.data?.resultData.error?.message;
	await stack.n8n.deactivateWorkflow(workflowId);
	return {
		mode,
		wallMs: run.wallMs,
		idealMs: ideal,
		vsIdeal: run.wallMs / ideal,
		executes: executes.length,
		reads,
		readsPerItem: reads / WEBHOOK_ITEMS,
		answers429: api.filter((r) => r.status === 429).length,
		calls: calls.length,
		calls409: calls.filter((delivery) => delivery.status === 409).length,
		itemsFailed: WEBHOOK_ITEMS - completed,
		rssBeforeMb,
		rssWhileWaitingMb: median(waitingSamples),
		rssPeakMb: Math.max(...samples.map((sample) => sample.mb)),
		note: error ? `n8n run failed: ${error.slice(0, 120)}` : undefined,
	};
}

export async function runWebhookWaitBench(bench: BenchStack): Promise<{
	result: { items: number; agentSeconds: number; timeFactor: number; modes: WaitModeResult[] };
	text: string;
}> {
	const modes: WaitModeResult[] = [];
	for (const mode of ['poll', 'webhook'] as const) {
		log(
			`5. Wait Mode ${mode}: ${WEBHOOK_ITEMS} items, agents of ${WEBHOOK_AGENT_SECONDS} s × ${WEBHOOK_TIME_FACTOR}`,
		);
		modes.push(await runMode(bench, mode));
	}
	const text = table(
		`5. Wait Mode: ${WEBHOOK_ITEMS} items, agents of ${WEBHOOK_AGENT_SECONDS} s (time factor ${WEBHOOK_TIME_FACTOR}: ${fmt(WEBHOOK_AGENT_SECONDS * WEBHOOK_TIME_FACTOR, 0)} s real), execute 10/min 100/h, read 60/min 1000/h`,
		[
			'mode',
			'wall s',
			'ideal s',
			'× ideal',
			'executes',
			'reads',
			'reads/item',
			'429s',
			'calls',
			'409s',
			'failed',
			'RSS before MB',
			'RSS waiting MB',
			'RSS peak MB',
			'note',
		],
		modes.map((m) => [
			m.mode,
			fmt(m.wallMs / 1000, 1),
			fmt(m.idealMs / 1000, 1),
			fmt(m.vsIdeal),
			m.executes,
			m.reads,
			fmt(m.readsPerItem),
			m.answers429,
			m.calls,
			m.calls409,
			m.itemsFailed,
			fmt(m.rssBeforeMb, 0),
			fmt(m.rssWhileWaitingMb, 0),
			fmt(m.rssPeakMb, 0),
			m.note ?? '',
		]),
	);
	return {
		result: {
			items: WEBHOOK_ITEMS,
			agentSeconds: WEBHOOK_AGENT_SECONDS,
			timeFactor: WEBHOOK_TIME_FACTOR,
			modes,
		},
		text,
	};
}
