// Benchmark 4: peak memory of n8n while the AutoGPT node waits for a run with a ≥ 5 MB output,
// against an HTTP Request node fetching the very same record from the platform's GET execution.
import { randomUUID } from 'crypto';

import { agentLocator, autoGptNode } from '../e2e/workflows';
import { watchMemory, type MemoryPeak } from './memory';
import { fmt, log, median, sleep, table } from './report';
import { type BenchStack, graph, node } from './stack';

const ROUNDS = 5;

export interface LargeRun {
	way: 'autogpt' | 'http';
	round: number;
	outputBytes: number;
	wallMs: number;
	peak: MemoryPeak;
	/** Main process: VmHWM − RSS at start. */
	deltaMb: number;
}

export interface LargeOutputResult {
	outputBytes: number;
	runs: LargeRun[];
	medianDeltaMb: { autogpt: number; http: number };
	medianPeakMb: { autogpt: number; http: number };
	memoryVsHttp: number;
	peakVsHttp: number;
}

export async function runLargeOutputBench(
	bench: BenchStack,
): Promise<{ result: LargeOutputResult; text: string }> {
	const { admin } = bench;
	const { apiUrl, apiKey } = bench.stack.sandbox;
	await admin.call('POST', 'reset');
	await admin.config({
		rateLimits: { execute: { perMinute: 0, perHour: 0 }, read: { perMinute: 0, perHour: 0 } },
	});

	// The record the HTTP Request node fetches: one finished run of the same fixture.
	const headers = { 'x-api-key': apiKey, 'content-type': 'application/json' };
	const started = (await (
		await fetch(`${apiUrl}/executions/agents/${bench.agents.large}/execute`, {
			method: 'POST',
			headers,
			body: '{"inputs":{}}',
		})
	).json()) as { execution_id: string };
	let body = '';
	for (let attempt = 0; attempt < 100; attempt++) {
		await sleep(200);
		body = await (await fetch(`${apiUrl}/executions/${started.execution_id}`, { headers })).text();
		if (/"status":\s*"completed"/i.test(body)) break;
	}
	const outputBytes = Buffer.byteLength(body);
	if (outputBytes < 5_000_000)
		throw new Error(`the large fixture returned ${outputBytes} bytes, expected ≥ 5 MB`);

	const tag = randomUUID().slice(0, 8);
	const credential = await bench.newCredential(`bench large ${tag}`);
	const paths = { autogpt: `bench-large-autogpt-${tag}`, http: `bench-large-http-${tag}` };
	const workflowIds = {
		autogpt: await bench.publish(
			graph(
				'bench: large output, AutoGPT',
				paths.autogpt,
				[
					autoGptNode('AutoGPT', credential, {
						resource: 'agent',
						operation: 'execute',
						agent: agentLocator(bench.agents.large),
						inputSource: 'fields',
						inputFields: {},
						waitForCompletion: true,
						options: {},
					}),
				],
				[['Webhook', 0, 'AutoGPT']],
			),
		),
		http: await bench.publish(
			graph(
				'bench: large output, HTTP Request',
				paths.http,
				[
					node('HTTP Request', 'n8n-nodes-base.httpRequest', 4.2, {
						method: 'GET',
						url: `${apiUrl}/executions/${started.execution_id}`,
						sendHeaders: true,
						headerParameters: { parameters: [{ name: 'X-API-Key', value: apiKey }] },
						options: {},
					}),
				],
				[['Webhook', 0, 'HTTP Request']],
			),
		),
	};

	const runOnce = async (way: 'autogpt' | 'http', round: number): Promise<LargeRun> => {
		await sleep(1500);
		const watch = watchMemory(bench.stack.pids.n8n);
		const run = await bench.runWebhook(workflowIds[way], paths[way], {}, { timeoutMs: 120_000 });
		const peak = watch.stop();
		if (run.execution.status !== 'success')
			throw new Error(`large output via ${way}: n8n run ${run.execution.status}`);
		return {
			way,
			round,
			outputBytes,
			wallMs: run.wallMs,
			peak,
			deltaMb: peak.mainHwmMb - peak.mainStartMb,
		};
	};

	log('4. warm-up runs');
	await runOnce('autogpt', 0);
	await runOnce('http', 0);
	const runs: LargeRun[] = [];
	for (let round = 1; round <= ROUNDS; round++) {
		// ABBA order, so a drift of n8n's heap over time favours neither.
		const order: Array<'autogpt' | 'http'> =
			round % 2 === 1 ? ['autogpt', 'http'] : ['http', 'autogpt'];
		for (const way of order) {
			log(`4. round ${round}: ${way}`);
			runs.push(await runOnce(way, round));
		}
	}
	const of = (way: 'autogpt' | 'http') => runs.filter((run) => run.way === way);
	const medianDeltaMb = {
		autogpt: median(of('autogpt').map((r) => r.deltaMb)),
		http: median(of('http').map((r) => r.deltaMb)),
	};
	const medianPeakMb = {
		autogpt: median(of('autogpt').map((r) => r.peak.mainHwmMb)),
		http: median(of('http').map((r) => r.peak.mainHwmMb)),
	};
	const result: LargeOutputResult = {
		outputBytes,
		runs,
		medianDeltaMb,
		medianPeakMb,
		memoryVsHttp: medianDeltaMb.autogpt / Math.max(1, medianDeltaMb.http),
		peakVsHttp: medianPeakMb.autogpt / medianPeakMb.http,
	};
	const names = { autogpt: 'AutoGPT execute + wait', http: 'HTTP Request GET execution' };
	const text = table(
		`4. Large output (${fmt(outputBytes / 1e6, 2)} MB record): n8n main process (pid ${bench.stack.pids.n8n}) memory per run, MB`,
		[
			'round',
			'way',
			'wall s',
			'RSS start',
			'peak (VmHWM)',
			'peak − start',
			'tree start',
			'tree peak',
			'procs',
		],
		[
			...runs.map((r) => [
				r.round,
				names[r.way],
				fmt(r.wallMs / 1000, 2),
				fmt(r.peak.mainStartMb, 0),
				fmt(r.peak.mainHwmMb, 0),
				fmt(r.deltaMb, 0),
				fmt(r.peak.treeStartMb, 0),
				fmt(r.peak.treeSampledPeakMb, 0),
				r.peak.processes,
			]),
			[
				'median',
				names.autogpt,
				'',
				'',
				fmt(medianPeakMb.autogpt, 0),
				fmt(medianDeltaMb.autogpt, 0),
				'',
				'',
				'',
			],
			[
				'median',
				names.http,
				'',
				'',
				fmt(medianPeakMb.http, 0),
				fmt(medianDeltaMb.http, 0),
				'',
				'',
				'',
			],
		],
	);
	return { result, text };
}
