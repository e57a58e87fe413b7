/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- bench code runs in its own Node process against n8n, never inside n8n */
// Benchmark 5 (`npm run bench -- --queue`): n8n in queue mode (test/e2e/harness/queue.ts: main,
// two workers, two webhook processors, PostgreSQL, Redis). Execute-and-wait wall time with one and
// with two workers against the ideal; signed trigger deliveries per second through one and through
// two webhook processors, with the CPU each process of the stack used meanwhile (where the time goes).
import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import { cpus } from 'os';

import { startQueueStack } from '../e2e/harness';
import { apiKeyCredentialData, SandboxAdmin } from '../e2e/platform';
import {
	activateTrigger,
	countRuns,
	runExecuteAndWait,
	runsPerDelivery,
	sendAll,
	signedDelivery,
	waitForSettled,
	type QueueTestStack,
	type WaitRunsResult,
} from '../e2e/queue/testkit';
import { DEFAULT_LIMITS, LOOSE_LIMITS } from './executeAndWait';
import { processTree } from './memory';
import { fmt, log, table } from './report';

const WAIT_ITEMS = 40;
const AGENT_SECONDS = 3;
const CONCURRENCY = 20;
/** Per setting (one processor, two); BENCH_QUEUE_DELIVERIES overrides (a multiple of 4). */
const DELIVERIES = Number(process.env.BENCH_QUEUE_DELIVERIES ?? 800);
const WARM_UP = 100;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

export interface QueueBenchResult {
	wait: { oneWorker: WaitRunsResult; twoWorkers: WaitRunsResult };
	trigger: {
		concurrency: number;
		one: { deliveries: number; seconds: number; perSecond: number; drainedPerSecond: number };
		two: { deliveries: number; seconds: number; perSecond: number; drainedPerSecond: number };
		executions: number;
		lost: number;
		doubled: number;
		/** Cores used per process of the stack, per setting: CPU seconds ÷ wall seconds. */
		cores: Record<string, { one: number; two: number }>;
	};
	queueTriggerScale: number;
	queueWaitVsIdeal: number;
}

/** CPU seconds used so far by a process and everything below it (n8n's task runner). */
function cpuSeconds(pid: number): number {
	let ticks = 0;
	for (const each of processTree(pid)) {
		try {
			const stat = readFileSync(`/proc/${each}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			ticks += Number(fields[11]) + Number(fields[12]);
		} catch {
			// gone meanwhile
		}
	}
	return ticks / TICKS_PER_SECOND;
}

function cpuOfStack(stack: QueueTestStack): Record<string, number> {
	const pids: Record<string, number> = {
		...Object.fromEntries(stack.processes.filter((p) => p.pid > 0).map((p) => [p.name, p.pid])),
		postgres: stack.postgres.process.pid,
		redis: stack.redis.process.pid,
		sandbox: stack.pids.sandbox,
	};
	const usage = process.cpuUsage();
	return {
		...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)])),
		'bench client': (usage.user + usage.system) / 1e6,
	};
}

export async function runQueueBench(): Promise<{ result: QueueBenchResult; text: string }> {
	log('5. booting the queue-mode stack (main, 2 workers, 2 webhook processors, PostgreSQL, Redis)');
	const queue = await startQueueStack({
		webhookProcessors: 2,
		log: (line) => log(`e2e: ${line}`),
		n8nEnv: { N8N_LOG_LEVEL: 'warn' },
	});
	const stack: QueueTestStack = { ...queue, admin: new SandboxAdmin(queue.sandbox) };
	try {
		log(`5. execute and wait, ${WAIT_ITEMS} runs, one worker`);
		await stack.kill('worker-2', 'SIGTERM');
		const oneWorker = await runExecuteAndWait(stack, {
			items: WAIT_ITEMS,
			agentSeconds: AGENT_SECONDS,
			limits: DEFAULT_LIMITS,
			label: 'bench, one worker',
		});
		await stack.start('worker-2');
		log(`5. execute and wait, ${WAIT_ITEMS} runs, two workers`);
		const twoWorkers = await runExecuteAndWait(stack, {
			items: WAIT_ITEMS,
			agentSeconds: AGENT_SECONDS,
			limits: DEFAULT_LIMITS,
			label: 'bench, two workers',
		});
		await stack.admin.config({ rateLimits: LOOSE_LIMITS });

		const created = await stack.n8n.createCredential(
			'AutoGPT API (bench trigger)',
			'autoGptApi',
			apiKeyCredentialData(stack.sandbox),
		);
		const { workflow, subscription } = await activateTrigger(
			stack,
			{ ...created, type: 'autoGptApi' },
			'bench: queue trigger',
		);
		const path = new URL(subscription.url).pathname;
		const urls = stack.webhookUrls.map((base) => `${base}${path}`);
		const all: string[] = [];
		let settledCount = 0;
		const phase = async (processors: 1 | 2, count: number) => {
			const ids = Array.from({ length: count }, () => randomUUID());
			const deliveries = ids.map(
				(id) => () => signedDelivery(subscription.secret, stack.sandbox.agents.echo, id),
			);
			all.push(...ids);
			const cpuBefore = cpuOfStack(stack);
			const sent = await sendAll(deliveries, (index) => urls[index % processors], CONCURRENCY);
			const answeredAt = performance.now();
			const started = answeredAt - sent.elapsedMs;
			settledCount += count;
			await waitForSettled(stack, workflow.id, settledCount, {
				quietMs: 0,
				timeoutMs: 20 * 60_000,
			});
			const drainedMs = performance.now() - started;
			const cpuAfter = cpuOfStack(stack);
			const cpu = Object.fromEntries(
				Object.keys(cpuAfter).map((name) => [name, cpuAfter[name] - (cpuBefore[name] ?? 0)]),
			);
			const failed = sent.statuses.filter((s) => s !== 200).length;
			log(
				`5. ${count} deliveries through ${processors} processor(s): ${fmt(count / (sent.elapsedMs / 1000), 1)}/s answered, ${fmt(count / (drainedMs / 1000), 1)}/s run${failed ? `, ${failed} not 200` : ''}`,
			);
			return { processors, count, sentMs: sent.elapsedMs, drainedMs, cpu };
		};
		await phase(2, WARM_UP);
		const phases: Array<Awaited<ReturnType<typeof phase>>> = [];
		const half = DELIVERIES / 2;
		// Halves in mirrored order, so drift (a growing execution table, other load) favours neither.
		for (const processors of [1, 2, 2, 1] as const) phases.push(await phase(processors, half));
		const counts = countRuns(runsPerDelivery(stack, workflow.id, all));
		await stack.n8n.deactivateWorkflow(workflow.id);

		const summary = (processors: 1 | 2) => {
			const mine = phases.filter((p) => p.processors === processors);
			const seconds = mine.reduce((sum, p) => sum + p.sentMs, 0) / 1000;
			const drained = mine.reduce((sum, p) => sum + p.drainedMs, 0) / 1000;
			const deliveries = mine.reduce((sum, p) => sum + p.count, 0);
			return {
				deliveries,
				seconds,
				perSecond: deliveries / seconds,
				drainedPerSecond: deliveries / drained,
				drained,
				cpu: Object.fromEntries(
					Object.keys(mine[0].cpu).map((name) => [
						name,
						mine.reduce((sum, p) => sum + p.cpu[name], 0) / drained,
					]),
				),
			};
		};
		const one = summary(1);
		const two = summary(2);
		const cores = Object.fromEntries(
			Object.keys(one.cpu).map((name) => [name, { one: one.cpu[name], two: two.cpu[name] }]),
		);
		const result: QueueBenchResult = {
			wait: { oneWorker, twoWorkers },
			trigger: {
				concurrency: CONCURRENCY,
				one: {
					deliveries: one.deliveries,
					seconds: one.seconds,
					perSecond: one.perSecond,
					drainedPerSecond: one.drainedPerSecond,
				},
				two: {
					deliveries: two.deliveries,
					seconds: two.seconds,
					perSecond: two.perSecond,
					drainedPerSecond: two.drainedPerSecond,
				},
				executions: counts.executions,
				lost: counts.lost,
				doubled: counts.doubled,
				cores,
			},
			queueTriggerScale: two.perSecond / one.perSecond,
			queueWaitVsIdeal: twoWorkers.wallMs / twoWorkers.idealMs,
		};
		const waitRow = (name: string, r: WaitRunsResult) => [
			name,
			fmt(r.wallMs / 1000, 1),
			fmt(r.idealMs / 1000, 1),
			fmt(r.wallMs / r.idealMs),
			r.executes,
			r.execute429s,
			r.reads,
			r.read429s,
			r.failed,
			Object.entries(r.perWorker)
				.map(([worker, n]) => `${worker}: ${n}`)
				.join(', '),
		];
		const text = [
			table(
				`5a. Queue mode, execute and wait: ${WAIT_ITEMS} n8n executions of one item each, agent ${AGENT_SECONDS} s (+0.2 s queued), execute 10/min 100/h, read 60/min 1000/h`,
				[
					'workers',
					'wall s',
					'ideal s',
					'× ideal',
					'executes',
					'429s',
					'reads',
					'429s',
					'failed',
					'executions per worker',
				],
				[waitRow('one', oneWorker), waitRow('two', twoWorkers)],
			),
			table(
				`5b. Queue mode, trigger: ${DELIVERIES} signed deliveries per setting (after ${WARM_UP} warm-up), concurrency ${CONCURRENCY}; each starts a run on a worker`,
				['webhook processors', 'deliveries', 'answered/s', 'run to the end/s', '× one'],
				[
					['one', one.deliveries, fmt(one.perSecond, 1), fmt(one.drainedPerSecond, 1), '1.00'],
					[
						'two',
						two.deliveries,
						fmt(two.perSecond, 1),
						fmt(two.drainedPerSecond, 1),
						fmt(two.perSecond / one.perSecond),
					],
				],
			),
			table(
				'5c. Where the time goes: cores used per process while deliveries were sent and run (CPU seconds ÷ wall seconds; the machine has ' +
					`${cpus().length})`,
				['process', 'one processor', 'two processors'],
				[
					...Object.entries(cores).map(([name, c]) => [name, fmt(c.one), fmt(c.two)]),
					[
						'total',
						fmt(Object.values(cores).reduce((sum, c) => sum + c.one, 0)),
						fmt(Object.values(cores).reduce((sum, c) => sum + c.two, 0)),
					],
				],
			),
			`\nqueue trigger ledger: deliveries=${all.length} executions=${counts.executions} lost=${counts.lost} doubled=${counts.doubled}`,
		].join('\n');
		return { result, text };
	} finally {
		await stack.stop();
	}
}
