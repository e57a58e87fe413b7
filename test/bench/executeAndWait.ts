// Benchmark 1: N agent runs of D seconds each, waited for, under the sandbox's rate limits: the
// AutoGPT node in real n8n, the platform guide's client (one at a time, a poll every 2 s), and the
// HTTP Request + Wait + IF loop an n8n user builds without this package; all beside the ideal.
import { randomUUID } from 'crypto';

import type { Execution } from '../e2e/n8n-api';
import { nodeOutput } from '../e2e/n8n-api';
import { agentLocator, autoGptNode } from '../e2e/workflows';
import { startSandbox } from '../sandbox/server';
import { fmt, log, sleep, table } from './report';
import { type BenchStack, graph, node, splitItems } from './stack';

export const ITEMS = 20;
export const AGENT_SECONDS = 3;
/** The slow fixture queues this long before it runs (default-fixtures.json). */
export const QUEUED_SECONDS = 0.2;

export interface Limits {
	execute: { perMinute: number; perHour: number };
	read: { perMinute: number; perHour: number };
}

export const DEFAULT_LIMITS: Limits = {
	execute: { perMinute: 10, perHour: 100 },
	read: { perMinute: 60, perHour: 1000 },
};
/** 0 is unlimited in the sandbox. */
export const LOOSE_LIMITS: Limits = {
	execute: { perMinute: 0, perHour: 0 },
	read: { perMinute: 0, perHour: 0 },
};

export interface VariantResult {
	setting: 'default' | 'loose';
	way: string;
	wallMs: number;
	vsIdeal: number;
	executes: number;
	reads: number;
	requests: number;
	answers429: number;
	itemsFailed: number;
	note?: string;
}

// ---------------------------------------------------------------------------------------------
// The ideal

/**
 * The sandbox's windows (test/sandbox/rateLimit.ts): per class and per limit a fixed window that
 * opens at the first request counted and resets `length` later; a request is admitted when no
 * window of its class is full. The ideal client knows the limits, never sends a request that would
 * be refused, and so opens windows only with admitted requests.
 */
class Windows {
	private readonly open: Array<{ startedAt: number; count: number } | undefined>;

	constructor(private readonly limits: Array<{ max: number; lengthMs: number }>) {
		this.open = limits.map(() => undefined);
	}

	/** The earliest time ≥ `at` the request is admitted; counts it there. */
	admit(at: number): number {
		let time = at;
		for (;;) {
			let blockedUntil = time;
			for (const [index, limit] of this.limits.entries()) {
				const window = this.open[index];
				if (limit.max <= 0 || !window || time >= window.startedAt + limit.lengthMs) continue;
				if (window.count >= limit.max)
					blockedUntil = Math.max(blockedUntil, window.startedAt + limit.lengthMs);
			}
			if (blockedUntil === time) break;
			time = blockedUntil;
		}
		for (const [index, limit] of this.limits.entries()) {
			const window = this.open[index];
			if (limit.max <= 0) continue;
			if (!window || time >= window.startedAt + limit.lengthMs)
				this.open[index] = { startedAt: time, count: 1 };
			else window.count++;
		}
		return time;
	}
}

const windowsOf = (limit: { perMinute: number; perHour: number }) =>
	new Windows([
		{ max: limit.perMinute, lengthMs: 60_000 },
		{ max: limit.perHour, lengthMs: 3_600_000 },
	]);

/**
 * Ideal wall time: every execute sent as early as the execute windows admit it (all wanted at 0),
 * each run takes queued + D, and one status read right at its end, as early as the read windows
 * admit it. ideal = max over items of that read's time.
 * With 10/min and N = 20: executes 1–10 at 0 s, 11–20 at 60 s (the window that opened at 0 s resets),
 * so ideal = 60 + 0.2 + 3 = 63.2 s; unlimited: 3.2 s.
 */
export function idealMs(
	limits: Limits,
	items = ITEMS,
	runMs = (QUEUED_SECONDS + AGENT_SECONDS) * 1000,
): number {
	const executes = windowsOf(limits.execute);
	const reads = windowsOf(limits.read);
	const ends = Array.from({ length: items }, () => executes.admit(0) + runMs).sort((a, b) => a - b);
	return Math.max(...ends.map((end) => reads.admit(end)));
}

// ---------------------------------------------------------------------------------------------
// Counting what the platform saw

interface RequestRecord {
	method: string;
	path: string;
	status: number;
}

function countRequests(requests: RequestRecord[]) {
	const api = requests.filter((request) => request.path.includes('/executions'));
	return {
		executes: api.filter(
			(request) => request.method === 'POST' && request.path.endsWith('/execute'),
		).length,
		reads: api.filter((request) => request.method === 'GET').length,
		requests: api.length,
		answers429: api.filter((request) => request.status === 429).length,
	};
}

function completedItems(execution: Execution, nodeName: string): number {
	return nodeOutput(execution, nodeName).filter(
		(item) => String(item.json.status).toLowerCase() === 'completed',
	).length;
}

// ---------------------------------------------------------------------------------------------
// The platform guide's client, against a sandbox of its own in this process

/**
 * The External API guide's loop (seeds/external-api-integration-guide.md, waitForCompletion): one
 * run at a time, a status read straight after the execute and then every 2 s. A 429 is waited out
 * for its Retry-After, as the guide's rate-limit section says.
 */
async function guideWay(setting: 'default' | 'loose', limits: Limits): Promise<VariantResult> {
	const sandbox = await startSandbox({ config: { rateLimits: limits } });
	try {
		const headers = { 'x-api-key': sandbox.info.apiKey, 'content-type': 'application/json' };
		const agentId = sandbox.info.agents.slow;
		const call = async (method: string, path: string, body?: unknown) => {
			for (;;) {
				const response = await fetch(`${sandbox.apiUrl}${path}`, {
					method,
					headers,
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				const json = (await response.json()) as Record<string, unknown>;
				if (response.status === 429) {
					await sleep(Number(response.headers.get('retry-after') ?? '1') * 1000);
					continue;
				}
				if (!response.ok) throw new Error(`${method} ${path} → ${response.status}`);
				return json;
			}
		};
		let failed = 0;
		const started = performance.now();
		for (let index = 0; index < ITEMS; index++) {
			try {
				const { execution_id: id } = await call('POST', `/executions/agents/${agentId}/execute`, {
					inputs: { seconds: AGENT_SECONDS, item: index },
				});
				for (;;) {
					const status = String(
						(await call('GET', `/executions/${String(id)}`)).status,
					).toLowerCase();
					if (status === 'completed') break;
					if (status === 'failed' || status === 'terminated') throw new Error(status);
					await sleep(2000);
				}
			} catch {
				failed++;
			}
		}
		const wallMs = performance.now() - started;
		return {
			setting,
			way: "platform guide's loop (1 at a time, poll 2 s)",
			wallMs,
			vsIdeal: wallMs / idealMs(limits),
			...countRequests(sandbox.state.requests),
			itemsFailed: failed,
		};
	} finally {
		await sandbox.stop();
	}
}

// ---------------------------------------------------------------------------------------------
// The two n8n workflows

function productWorkflow(
	bench: BenchStack,
	path: string,
	credential: Parameters<typeof autoGptNode>[1],
) {
	const autoGpt = autoGptNode('AutoGPT', credential, {
		resource: 'agent',
		operation: 'execute',
		agent: agentLocator(bench.agents.slow),
		inputSource: 'fields',
		inputFields: { input: [{ name: 'seconds', value: String(AGENT_SECONDS) }] },
		waitForCompletion: true,
		options: {},
	});
	return graph(
		`bench: AutoGPT execute and wait (${path})`,
		path,
		[splitItems(), autoGpt],
		[
			['Webhook', 0, 'Items'],
			['Items', 0, 'AutoGPT'],
		],
	);
}

/**
 * HTTP Request (execute) → Wait 2 s → HTTP Request (status) → IF finished → Done, else back to Wait.
 * Under the default limits the user sets the HTTP Request node's own Batching from the documented
 * limits: executes 10 per batch 61 s apart (a second of margin on the minute window), status reads
 * one per second (60/min). Under the loose setting no batching.
 */
function httpLoopWorkflow(bench: BenchStack, path: string, limited: boolean) {
	const { apiUrl, apiKey } = bench.stack.sandbox;
	const auth = {
		sendHeaders: true,
		headerParameters: { parameters: [{ name: 'X-API-Key', value: apiKey }] },
	};
	const batching = (batchSize: number, batchInterval: number) =>
		limited ? { batching: { batch: { batchSize, batchInterval } } } : {};
	const start = node('Start agent', 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'POST',
		url: `${apiUrl}/executions/agents/${bench.agents.slow}/execute`,
		...auth,
		sendBody: true,
		specifyBody: 'json',
		jsonBody: JSON.stringify({ inputs: { seconds: AGENT_SECONDS } }),
		options: batching(10, 61_000),
	});
	const wait = node(
		'Wait',
		'n8n-nodes-base.wait',
		1.1,
		{ resume: 'timeInterval', amount: 2, unit: 'seconds' },
		{ webhookId: randomUUID() },
	);
	const status = node('Get status', 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'GET',
		url: `=${apiUrl}/executions/{{ $json.execution_id }}`,
		...auth,
		options: batching(1, 1_000),
	});
	const finished = node('Finished?', 'n8n-nodes-base.if', 2.2, {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
			conditions: [
				{
					id: randomUUID(),
					leftValue:
						"={{ ['completed', 'failed', 'terminated'].includes(String($json.status).toLowerCase()) }}",
					rightValue: '',
					operator: { type: 'boolean', operation: 'true', singleValue: true },
				},
			],
			combinator: 'and',
		},
		options: {},
	});
	const done = node('Done', 'n8n-nodes-base.noOp', 1, {});
	return graph(
		`bench: HTTP Request + Wait + IF (${path})`,
		path,
		[splitItems(), start, wait, status, finished, done],
		[
			['Webhook', 0, 'Items'],
			['Items', 0, 'Start agent'],
			['Start agent', 0, 'Wait'],
			['Wait', 0, 'Get status'],
			['Get status', 0, 'Finished?'],
			['Finished?', 0, 'Done'],
			['Finished?', 1, 'Wait'],
		],
	);
}

async function n8nWay(
	bench: BenchStack,
	setting: 'default' | 'loose',
	limits: Limits,
	way: string,
	workflowId: string,
	path: string,
	lastNode: string,
): Promise<VariantResult> {
	// Fresh windows: reset forgets every window and every execution; then the limits of this variant.
	await bench.admin.call('POST', 'reset');
	await bench.admin.config({ rateLimits: limits });
	const items = Array.from({ length: ITEMS }, (_item, index) => ({ item: index }));
	const run = await bench.runWebhook(workflowId, path, { items }, { timeoutMs: 400_000 });
	const requests = await bench.admin.call<RequestRecord[]>('GET', 'requests');
	const completed = completedItems(run.execution, lastNode);
	const error = run.execution.data?.resultData.error?.message;
	return {
		setting,
		way,
		wallMs: run.wallMs,
		vsIdeal: run.wallMs / idealMs(limits),
		...countRequests(requests),
		itemsFailed: ITEMS - completed,
		note: error ? `n8n run failed: ${error.slice(0, 120)}` : undefined,
	};
}

export interface ExecuteAndWaitResult {
	items: number;
	agentSeconds: number;
	idealDefaultMs: number;
	idealLooseMs: number;
	variants: VariantResult[];
}

export async function runExecuteAndWaitBench(
	bench: BenchStack,
): Promise<{ result: ExecuteAndWaitResult; text: string }> {
	const tag = randomUUID().slice(0, 8);
	const plan = [
		{ setting: 'default' as const, limits: DEFAULT_LIMITS, kind: 'product' as const },
		{ setting: 'default' as const, limits: DEFAULT_LIMITS, kind: 'http' as const },
		{ setting: 'loose' as const, limits: LOOSE_LIMITS, kind: 'product' as const },
		{ setting: 'loose' as const, limits: LOOSE_LIMITS, kind: 'http' as const },
	];
	const deployed = [];
	for (const step of plan) {
		const path = `bench-${step.kind}-${step.setting}-${tag}`;
		const workflow =
			step.kind === 'product'
				? productWorkflow(bench, path, await bench.newCredential(`bench ${step.setting} ${tag}`))
				: httpLoopWorkflow(bench, path, step.setting === 'default');
		deployed.push({ ...step, path, workflowId: await bench.publish(workflow) });
	}

	// The guide's client is a plain script against a sandbox of its own, so it runs beside the n8n
	// variants (it sleeps almost all the time) and saves about three minutes.
	log('1. guide loops started beside the n8n variants (own sandboxes, in this process)');
	const guides = Promise.all([
		guideWay('default', DEFAULT_LIMITS),
		guideWay('loose', LOOSE_LIMITS),
	]);

	const variants: VariantResult[] = [];
	for (const step of deployed) {
		const way =
			step.kind === 'product' ? 'AutoGPT node (this package)' : 'HTTP Request + Wait + IF loop';
		log(`1. ${way}, ${step.setting} limits`);
		variants.push(
			await n8nWay(
				bench,
				step.setting,
				step.limits,
				way,
				step.workflowId,
				step.path,
				step.kind === 'product' ? 'AutoGPT' : 'Done',
			),
		);
	}
	variants.push(...(await guides));
	variants.sort((a, b) => (a.setting === b.setting ? 0 : a.setting === 'default' ? -1 : 1));

	const idealDefaultMs = idealMs(DEFAULT_LIMITS);
	const idealLooseMs = idealMs(LOOSE_LIMITS);
	const rows = [
		[
			'default',
			'ideal (slowest run + what the limits force)',
			fmt(idealDefaultMs / 1000, 1),
			'1.00',
			ITEMS,
			ITEMS,
			ITEMS * 2,
			0,
			0,
			'',
		],
		...variants
			.filter((v) => v.setting === 'default')
			.map((v) => [
				v.setting,
				v.way,
				fmt(v.wallMs / 1000, 1),
				fmt(v.vsIdeal),
				v.executes,
				v.reads,
				v.requests,
				v.answers429,
				v.itemsFailed,
				v.note ?? '',
			]),
		[
			'loose',
			'ideal (slowest run)',
			fmt(idealLooseMs / 1000, 1),
			'1.00',
			ITEMS,
			ITEMS,
			ITEMS * 2,
			0,
			0,
			'',
		],
		...variants
			.filter((v) => v.setting === 'loose')
			.map((v) => [
				v.setting,
				v.way,
				fmt(v.wallMs / 1000, 1),
				fmt(v.vsIdeal),
				v.executes,
				v.reads,
				v.requests,
				v.answers429,
				v.itemsFailed,
				v.note ?? '',
			]),
	];
	const text = table(
		`1. Execute and wait: ${ITEMS} items, agent ${AGENT_SECONDS} s (+${QUEUED_SECONDS} s queued); default = execute 10/min 100/h, read 60/min 1000/h; loose = unlimited`,
		[
			'limits',
			'way',
			'wall s',
			'× ideal',
			'executes',
			'reads',
			'requests',
			'429s',
			'failed',
			'note',
		],
		rows,
	);
	return {
		result: { items: ITEMS, agentSeconds: AGENT_SECONDS, idealDefaultMs, idealLooseMs, variants },
		text,
	};
}
