/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- bench code runs in its own Node process against n8n, never inside n8n */
// `npm run bench`: the four benchmarks of issue 6 in one process, against one n8n booted once.
// Tables go to stdout as each benchmark ends; the last line is `bench: key=value …`; the figures
// are also written as JSON under test/bench/results/. Progress goes to stderr.
import { mkdirSync, writeFileSync } from 'fs';
import { cpus, totalmem } from 'os';
import { join } from 'path';

import { N8N_VERSION } from '../e2e/harness';
import { runExecuteAndWaitBench } from './executeAndWait';
import { runLargeOutputBench } from './largeOutput';
import { fmt, log } from './report';
import { runForgedBench } from './forged';
import { runQueueBench } from './queue';
import { bootStack, type BenchStack } from './stack';
import { runTriggerBench } from './trigger';
import { runVerificationBench } from './verification';
import { runWebhookWaitBench } from './webhookWait';

const RESULTS_DIR = join(__dirname, 'results');

async function main(): Promise<void> {
	const started = Date.now();
	const machine = {
		cores: cpus().length,
		cpu: cpus()[0]?.model ?? 'unknown',
		memoryGb: Math.round(totalmem() / 2 ** 30),
		node: process.version,
		n8n: N8N_VERSION,
	};
	process.stdout.write(
		`machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, bench on Node ${machine.node}, n8n ${machine.n8n}\n`,
	);

	// BENCH_ONLY=1,4 runs a subset (for development); `npm run bench` runs 1 to 5;
	// `npm run bench -- --queue` runs the queue-mode benchmark (6) on a stack of its own.
	const queueMode = process.argv.includes('--queue');
	const only = new Set(
		(process.env.BENCH_ONLY ?? (queueMode ? '6' : '1,2,3,4,5'))
			.split(',')
			.map((part) => part.trim()),
	);

	// In process first, while nothing else of ours runs.
	let verification: ReturnType<typeof runVerificationBench> | undefined;
	let forged: Awaited<ReturnType<typeof runForgedBench>> | undefined;
	if (only.has('3')) {
		log('3. verification cost');
		verification = runVerificationBench();
		process.stdout.write(`${verification.text}\n`);
		forged = await runForgedBench();
		process.stdout.write(`${forged.text}\n`);
	}

	let queue: Awaited<ReturnType<typeof runQueueBench>> | undefined;
	if (only.has('6')) {
		queue = await runQueueBench();
		process.stdout.write(`${queue.text}\n`);
	}

	const singleProcess = ['1', '2', '4', '5'].some((part) => only.has(part));
	if (singleProcess) log('booting n8n and the sandbox (once for everything)');
	let bench: BenchStack | undefined;
	const stop = async () => {
		await bench?.stack.stop();
	};
	process.once('SIGINT', () => void stop().then(() => process.exit(130)));
	try {
		const booting = Date.now();
		if (singleProcess) bench = await bootStack();
		const bootMs = Date.now() - booting;

		let wait: Awaited<ReturnType<typeof runExecuteAndWaitBench>> | undefined;
		if (only.has('1') && bench) {
			log('1. execute and wait');
			wait = await runExecuteAndWaitBench(bench);
			process.stdout.write(`${wait.text}\n`);
		}

		let large: Awaited<ReturnType<typeof runLargeOutputBench>> | undefined;
		if (only.has('4') && bench) {
			log('4. large output');
			large = await runLargeOutputBench(bench);
			process.stdout.write(`${large.text}\n`);
		}

		let webhookWait: Awaited<ReturnType<typeof runWebhookWaitBench>> | undefined;
		if (only.has('5') && bench) {
			log('5. Wait Mode: Poll against Webhook');
			webhookWait = await runWebhookWaitBench(bench);
			process.stdout.write(`${webhookWait.text}\n`);
		}

		// Last: the trigger's subscription would not survive the sandbox resets of 1, 4 and 5.
		let trigger: Awaited<ReturnType<typeof runTriggerBench>> | undefined;
		if (only.has('2') && bench) {
			log('2. trigger throughput');
			trigger = await runTriggerBench(bench);
			process.stdout.write(`${trigger.text}\n`);
		}

		const variant = (setting: string, way: string) =>
			wait?.result.variants.find((v) => v.setting === setting && v.way.startsWith(way));
		const waitMode = (mode: string) => webhookWait?.result.modes.find((m) => m.mode === mode);
		const ratios = {
			wait_vs_ideal: variant('default', 'AutoGPT')?.vsIdeal,
			wait_vs_ideal_loose: variant('loose', 'AutoGPT')?.vsIdeal,
			wait_429s: variant('default', 'AutoGPT')?.answers429,
			wait_failed:
				wait &&
				(variant('default', 'AutoGPT')?.itemsFailed ?? 0) +
					(variant('loose', 'AutoGPT')?.itemsFailed ?? 0),
			guide_vs_ideal: variant('default', 'platform guide')?.vsIdeal,
			http_loop_vs_ideal: variant('default', 'HTTP Request')?.vsIdeal,
			trigger_vs_webhook: trigger?.result.triggerVsWebhook,
			trigger_vs_webhook_v1: trigger?.result.triggerVsWebhookV1,
			trigger_p50_ms: trigger?.result.trigger.p50Ms,
			trigger_p99_ms: trigger?.result.trigger.p99Ms,
			verify_overhead_raw_1kb: verification?.result.overheadRaw1kb,
			verify_overhead_canonical_1mb: verification?.result.overheadCanonical1mb,
			forged_16mb_ms: forged?.result.forged16mbMs,
			forged_16mb_vs_parse: forged?.result.forged16mbVsParse,
			forged_16mb_extra_mem_vs_size: forged?.result.forged16mbExtraMemVsSize,
			forged_16mb_held_mem_vs_size: forged?.result.forged16mbHeldMemVsSize,
			memory_vs_http: large?.result.memoryVsHttp,
			peak_rss_vs_http: large?.result.peakVsHttp,
			poll_wait_vs_ideal_100: waitMode('poll')?.vsIdeal,
			poll_reads_per_item: waitMode('poll')?.readsPerItem,
			webhook_wait_vs_ideal: waitMode('webhook')?.vsIdeal,
			webhook_reads_per_item: waitMode('webhook')?.readsPerItem,
			queue_trigger_scale: queue?.result.queueTriggerScale,
			queue_wait_vs_ideal: queue?.result.queueWaitVsIdeal,
		};
		const totalMs = Date.now() - started;
		mkdirSync(RESULTS_DIR, { recursive: true });
		const file = join(
			RESULTS_DIR,
			`bench-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`,
		);
		writeFileSync(
			file,
			JSON.stringify(
				{
					startedAt: new Date(started).toISOString(),
					machine,
					timings: { bootMs, totalMs, harness: bench?.stack.timings },
					ratios,
					executeAndWait: wait?.result,
					trigger: trigger?.result,
					verification: verification?.result,
					forged: forged?.result,
					largeOutput: large?.result,
					webhookWait: webhookWait?.result,
					queue: queue?.result,
				},
				null,
				2,
			),
		);
		log(
			`results written to ${file}; total ${fmt(totalMs / 1000, 0)} s (boot ${fmt(bootMs / 1000, 0)} s)`,
		);
		const line = Object.entries({
			...ratios,
			cores: machine.cores,
			seconds: Math.round(totalMs / 1000),
		})
			.map(
				([key, value]) =>
					`${key}=${value === undefined ? '–' : Number.isInteger(value) ? value : fmt(value, key.endsWith('_ms') ? 1 : 2)}`,
			)
			.join(' ');
		process.stdout.write(`\nbench: ${line}\n`);
	} finally {
		await stop();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(
			`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exit(1);
	},
);
