// Jest glue for the queue-mode suite: one queue-mode stack (harness/queue.ts) for the file, shared
// with the single-process suites it imports (their useStack() boots this stack instead), signed
// deliveries as the platform sends them, and n8n's own records read from its PostgreSQL database.
/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { randomUUID } from 'crypto';
import http from 'http';

import { QUEUED_SECONDS, idealMs, type Limits } from '../../bench/executeAndWait';
import { canonicalJson, signatureHeader, wireJson } from '../../sandbox/canonical';
import { pythonIsoformat } from '../../sandbox/clock';
import { startQueueStack, type QueueStack, type QueueStackOptions } from '../harness';
import { nodeOutput } from '../n8n-api';
import { apiKeyCredentialData, SandboxAdmin } from '../platform';
import { sleep } from '../processes';
import { bootWith, uniquePath, useStack, type TestStack } from '../testkit';
import {
	agentLocator,
	autoGptNode,
	triggerWorkflow,
	webhookWorkflow,
	type CredentialRef,
} from '../workflows';

export type QueueTestStack = QueueStack & { admin: SandboxAdmin };

/**
 * Boots one queue-mode stack for the calling file: two workers, webhook-1 serving production
 * webhooks, webhook-2 set up and started only where a test needs a second processor.
 */
export function useQueueStack(options: QueueStackOptions = {}): () => QueueTestStack {
	let booted: Promise<QueueTestStack> | undefined;
	let stack: QueueTestStack | undefined;
	bootWith(async () => {
		booted ??= startQueueStack({ webhookProcessors: 2, standby: ['webhook-2'], ...options }).then(
			(queue) => (stack = { ...queue, admin: new SandboxAdmin(queue.sandbox) }),
		);
		return (await booted) as unknown as TestStack;
	});
	useStack();
	return () => {
		if (!stack) throw new Error('the queue-mode stack did not start (see the beforeAll error)');
		return stack;
	};
}

// ---------------------------------------------------------------------------------------------
// Deliveries

/** AutoGPT Trigger → No Op, automatic registration, published; with the subscription it made. */
export async function activateTrigger(
	stack: QueueTestStack,
	credential: CredentialRef,
	name: string,
	options: Record<string, unknown> = {},
) {
	const before = new Set((await stack.admin.webhooks()).map((s) => s.id));
	const workflow = await stack.n8n.createWorkflow(
		triggerWorkflow(name, credential, {
			events: ['execution.completed'],
			registration: 'automatic',
			options,
		}),
	);
	await stack.n8n.activateWorkflow(workflow.id);
	const subscription = (await stack.admin.webhooks()).find((s) => !before.has(s.id));
	if (!subscription) throw new Error(`${name}: activation registered no subscription`);
	return { workflow, subscription };
}

export interface SignedDelivery {
	/** The platform execution the delivery is about: what tells one delivery from another. */
	executionId: string;
	body: Buffer;
	headers: Record<string, string>;
}

/**
 * An `execution.completed` delivery as the platform sends it (contract §6): Python's wire JSON,
 * signed over the canonical form with the subscription's secret, by the sandbox's code.
 */
export function signedDelivery(
	secret: string,
	agentId: string,
	executionId: string = randomUUID(),
): SignedDelivery {
	const payload = {
		event: 'execution.completed',
		timestamp: pythonIsoformat(Date.now()),
		data: {
			execution_id: executionId,
			agent_id: agentId,
			status: 'completed',
			outputs: { answer: [`result of ${executionId}`] },
		},
	};
	return { executionId, ...signedAsPlatform(secret, payload) };
}

/** A payload as the platform sends it: Python's wire JSON, signed over its canonical form. */
export function signedAsPlatform(
	secret: string,
	payload: object,
): { body: Buffer; headers: Record<string, string> } {
	const body = Buffer.from(wireJson(payload));
	return {
		body,
		headers: {
			'content-type': 'application/json',
			'user-agent': 'AutoGPT-Webhook/1.0',
			'x-webhook-timestamp': pythonIsoformat(Date.now()),
			'x-webhook-signature': signatureHeader(secret, canonicalJson(payload)),
			'content-length': String(body.length),
		},
	};
}

/** POSTs one delivery; resolves with the HTTP status (0 when the connection failed). */
export async function post(
	url: string,
	delivery: SignedDelivery,
	agent?: http.Agent,
): Promise<number> {
	const target = new URL(url);
	return await new Promise((resolve) => {
		const request = http.request(
			{
				host: target.hostname,
				port: target.port,
				path: target.pathname,
				method: 'POST',
				headers: delivery.headers,
				agent,
			},
			(response) => {
				response.resume();
				response.on('end', () => resolve(response.statusCode ?? 0));
				response.on('error', () => resolve(response.statusCode ?? 0));
			},
		);
		request.on('error', () => resolve(0));
		request.end(delivery.body);
	});
}

/**
 * Sends every delivery, `concurrency` at a time, each to `urlOf(index)`. A delivery is signed when it
 * is first sent, as the platform signs an event when it happens (a busy machine may take minutes over
 * a thousand, longer than the trigger's 5-minute window). With `retryDelaysMs`, a
 * delivery answered other than 2xx (or not at all) is sent again after those delays, the same
 * signed bytes with a fresh `X-Webhook-Timestamp`, as the platform does (contract §6), without
 * holding up the others. Statuses are the last answer of each; `firstRefused` counts deliveries
 * whose first attempt was not answered 2xx.
 */
export async function sendAll(
	make: Array<() => SignedDelivery>,
	urlOf: (index: number) => string,
	concurrency: number,
	retryDelaysMs: number[] = [],
): Promise<{ statuses: number[]; attempts: number[]; firstRefused: number; elapsedMs: number }> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const deliveries: SignedDelivery[] = [];
	const statuses: number[] = new Array<number>(make.length).fill(0);
	const attempts: number[] = new Array<number>(make.length).fill(0);
	const retries: Array<Promise<void>> = [];
	const ok = (status: number) => status >= 200 && status < 300;
	const attempt = async (index: number): Promise<void> => {
		const delivery = (deliveries[index] ??= make[index]());
		if (attempts[index] > 0) delivery.headers['x-webhook-timestamp'] = pythonIsoformat(Date.now());
		statuses[index] = await post(urlOf(index), delivery, agent);
		const delay = retryDelaysMs[attempts[index]++];
		if (!ok(statuses[index]) && delay !== undefined)
			retries.push(sleep(delay).then(async () => await attempt(index)));
	};
	let next = 0;
	const started = performance.now();
	try {
		await Promise.all(
			Array.from({ length: concurrency }, async () => {
				while (next < make.length) await attempt(next++);
			}),
		);
		const elapsedMs = performance.now() - started;
		for (let settled = 0; settled < retries.length; settled++) await retries[settled];
		return {
			statuses,
			attempts,
			firstRefused: attempts.filter((n, index) => n > 1 || !ok(statuses[index])).length,
			elapsedMs,
		};
	} finally {
		agent.destroy();
	}
}

// ---------------------------------------------------------------------------------------------
// n8n's own records

export interface ExecutionRow {
	id: string;
	status: string;
	createdAt: string;
	startedAt: string | null;
	stoppedAt: string | null;
}

const UNFINISHED = ['new', 'running', 'waiting'];

export function workflowExecutions(stack: QueueStack, workflowId: string): ExecutionRow[] {
	return stack
		.sql<ExecutionRow>(
			'SELECT id::text AS id, status, "createdAt", "startedAt", "stoppedAt" FROM execution_entity WHERE "workflowId" = $1 ORDER BY id',
			[workflowId],
		)
		.map((row) => ({ ...row, id: String(row.id) }));
}

/**
 * An execution n8n recorded and never started: a webhook processor stopped between writing the
 * execution and handing it to Redis leaves one behind (status `new` for good); the platform, not
 * answered 2xx, sends the delivery again, and that copy runs.
 */
export function neverStarted(row: ExecutionRow): boolean {
	return row.status === 'new' && row.startedAt === null;
}

/**
 * Waits until the workflow has at least `count` executions and none unfinished, and the count held
 * still for `quietMs` (a late delivery would still add one); returns them. With `strandedAfterMs`,
 * executions that never started are let be once nothing changed for that long (see `neverStarted`).
 */
export async function waitForSettled(
	stack: QueueStack,
	workflowId: string,
	count: number,
	options: { timeoutMs?: number; quietMs?: number; strandedAfterMs?: number } = {},
): Promise<ExecutionRow[]> {
	const deadline = Date.now() + (options.timeoutMs ?? 300_000);
	const quietMs = options.quietMs ?? 3_000;
	let rows: ExecutionRow[] = [];
	let stableSince = Date.now();
	let last = '';
	while (Date.now() < deadline) {
		rows = workflowExecutions(stack, workflowId);
		const seen = rows.map((r) => `${r.id}:${r.status}`).join(',');
		if (seen !== last) {
			last = seen;
			stableSince = Date.now();
		}
		const quietFor = Date.now() - stableSince;
		const unfinished = rows.filter((r) => UNFINISHED.includes(r.status));
		const stranded =
			options.strandedAfterMs !== undefined &&
			quietFor >= options.strandedAfterMs &&
			unfinished.every(neverStarted);
		const settled = rows.length >= count && (unfinished.length === 0 || stranded);
		if (settled && quietFor >= quietMs) return rows;
		await sleep(500);
	}
	const unfinished = rows.filter((r) => UNFINISHED.includes(r.status)).length;
	throw new Error(
		`workflow ${workflowId}: ${rows.length} executions (${unfinished} unfinished), expected ${count} finished`,
	);
}

/**
 * For each platform execution ID in `known`, the n8n executions of the workflow whose data carries
 * it (the trigger's item): one each means every delivery started exactly one run.
 */
export function runsPerDelivery(
	stack: QueueStack,
	workflowId: string,
	known: Iterable<string>,
	options: { startedOnly?: boolean } = {},
): Map<string, string[]> {
	const runs = new Map<string, string[]>([...known].map((id) => [id, []]));
	const rows = stack.sql<{ id: string; data: string }>(
		'SELECT e.id::text AS id, d.data FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = $1' +
			(options.startedOnly ? ' AND e."startedAt" IS NOT NULL' : ''),
		[workflowId],
	);
	const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
	for (const row of rows) {
		for (const id of new Set(row.data.match(uuid) ?? [])) runs.get(id)?.push(String(row.id));
	}
	return runs;
}

export function countRuns(runs: Map<string, string[]>): {
	deliveries: number;
	executions: number;
	lost: number;
	doubled: number;
} {
	const counts = [...runs.values()].map((ids) => ids.length);
	return {
		deliveries: counts.length,
		executions: counts.reduce((sum, n) => sum + n, 0),
		lost: counts.filter((n) => n === 0).length,
		doubled: counts.filter((n) => n > 1).length,
	};
}

// ---------------------------------------------------------------------------------------------
// Execute and wait, one n8n execution per item

export interface WaitRunsResult {
	items: number;
	failed: number;
	/** n8n's own: the first execution created → the last one stopped. */
	wallMs: number;
	/** The bench's ideal for these items under these limits (test/bench/executeAndWait.ts). */
	idealMs: number;
	executes: number;
	execute429s: number;
	reads: number;
	read429s: number;
	/** Execute requests the platform answered 2xx: the agent runs started. */
	runsStarted: number;
	perWorker: Record<string, number>;
}

/**
 * `items` webhook calls at once, each one item: Webhook → Split Out → AutoGPT Execute with Wait
 * for Completion on the sandbox's slow agent (`agentSeconds`), under `limits` with fresh windows
 * (the sandbox is reset first) and a fresh credential (the node's budget is per credential).
 */
export async function runExecuteAndWait(
	stack: QueueTestStack,
	options: { items: number; agentSeconds: number; limits: Limits; label: string },
): Promise<WaitRunsResult> {
	await stack.admin.call('POST', 'reset');
	await stack.admin.config({ rateLimits: options.limits });
	const created = await stack.n8n.createCredential(
		`AutoGPT API (${options.label})`,
		'autoGptApi',
		apiKeyCredentialData(stack.sandbox),
	);
	const path = uniquePath('queue-wait');
	const workflow = await stack.n8n.createWorkflow(
		webhookWorkflow(`queue: execute and wait (${options.label})`, path, [
			autoGptNode(
				'AutoGPT',
				{ ...created, type: 'autoGptApi' },
				{
					resource: 'agent',
					operation: 'execute',
					agent: agentLocator(stack.sandbox.agents.slow),
					inputSource: 'fields',
					inputFields: { input: [{ name: 'seconds', value: String(options.agentSeconds) }] },
					waitForCompletion: true,
					options: {},
				},
			),
		]),
	);
	await stack.n8n.activateWorkflow(workflow.id);
	try {
		const answers = await Promise.all(
			Array.from({ length: options.items }, async (_x, item) => {
				const response = await fetch(`${stack.webhookUrl}/webhook/${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ items: [{ item }] }),
				});
				await response.text();
				return response.status;
			}),
		);
		if (answers.some((status) => status !== 200))
			throw new Error(`the webhook answered ${answers.join(', ')}`);
		const rows = await waitForSettled(stack, workflow.id, options.items, {
			timeoutMs: 20 * 60_000,
		});
		let failed = 0;
		for (const row of rows) {
			const execution = await stack.n8n.execution(row.id);
			const completed = nodeOutput(execution, 'AutoGPT').filter(
				(item) => String(item.json.status).toLowerCase() === 'completed',
			);
			if (execution.status !== 'success' || completed.length !== 1) failed++;
		}
		const requests = (await stack.admin.requests()).filter((r) => r.path.includes('/executions'));
		const executes = requests.filter((r) => r.method === 'POST' && r.path.endsWith('/execute'));
		const reads = requests.filter((r) => r.method === 'GET');
		const perWorker: Record<string, number> = {};
		const jobs = stack.jobs();
		for (const row of rows) {
			for (const worker of jobs.get(row.id)?.ranOn ?? [])
				perWorker[worker] = (perWorker[worker] ?? 0) + 1;
		}
		return {
			items: options.items,
			failed: failed + Math.max(0, options.items - rows.length),
			wallMs:
				Math.max(...rows.map((r) => Date.parse(String(r.stoppedAt)))) -
				Math.min(...rows.map((r) => Date.parse(r.createdAt))),
			idealMs: idealMs(
				options.limits,
				options.items,
				(QUEUED_SECONDS + options.agentSeconds) * 1000,
			),
			executes: executes.length,
			execute429s: executes.filter((r) => r.status === 429).length,
			reads: reads.length,
			read429s: reads.filter((r) => r.status === 429).length,
			runsStarted: executes.filter((r) => r.status < 300).length,
			perWorker,
		};
	} finally {
		await stack.n8n.deactivateWorkflow(workflow.id);
	}
}
