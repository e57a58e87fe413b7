// (Test code: it runs in jest on Node and drives n8n from outside, never inside n8n.)
// 2. Platform faults injected in the sandbox while the AutoGPT node runs agents: on a platform that
// stores idempotency keys an execute whose answer was lost, replaced or late is sent again under
// its key and runs once; on one that does not (a second sandbox, configured as the reference
// design, and a platform URL n8n has not yet seen echo a key, behind a proxy) it is never repeated.
import { randomUUID } from 'crypto';

import { type Execution, nodeError, nodeOutput, nodeRuns } from '../e2e/n8n-api';
import {
	apiKeyCredentialData,
	connectOAuth2Credential,
	oauth2CredentialData,
} from '../e2e/platform';
import { sleep } from '../e2e/processes';
import { triggerWorkflow, type CredentialRef } from '../e2e/workflows';
import { type Sandbox, startSandbox } from '../sandbox/server';
import { LostAnswerProxy } from './proxy';
import {
	completedPayload,
	executeWorkflow,
	Platform,
	post,
	rssMiB,
	settleExecutionCount,
	signedDelivery,
	short,
	table,
} from './support';
import type { ReliabilitySuite } from './suite';

export function platformFaults(suite: ReliabilitySuite): void {
	const { ledger } = suite;

	interface FaultRow {
		rss?: number;
		scenario: string;
		injected: string;
		expected: string;
		outcome: string;
		runs: string;
		ok: boolean;
	}

	const faultRows: FaultRow[] = [];
	let nextInput = 1000;

	interface RunResult {
		execution: Execution;
		outputs: Array<Record<string, unknown>>;
		error?: { message: string; description?: string };
		ms: number;
		inputs: number[];
		/** Agent runs in the sandbox per input n. */
		runsPerInput: number[];
		/** Requests the sandbox saw during the run. */
		requests: Array<{
			method: string;
			path: string;
			status: number;
			fault?: boolean;
			idempotency_key?: string | null;
		}>;
	}

	const workflows = new Map<string, { id: string; path: string }>();

	async function executeAgentWorkflow(
		key: string,
		credential: CredentialRef,
		agent: 'echo' | 'slow',
		node: Record<string, unknown> = {},
	): Promise<{ id: string; path: string }> {
		const known = workflows.get(key);
		if (known) return known;
		const path = `reliability-${key}-${randomUUID().slice(0, 8)}`;
		const workflow = executeWorkflow(
			`Reliability: ${key}`,
			path,
			credential,
			suite.h.platform.info.agents[agent],
		);
		Object.assign(workflow.nodes.find((entry) => entry.name === 'Run Agent')!, node);
		const created = await suite.h.n8n.createWorkflow(workflow);
		await suite.h.n8n.activateWorkflow(created.id);
		const entry = { id: created.id, path };
		workflows.set(key, entry);
		return entry;
	}

	/**
	 * Runs the workflow with `count` items, each a fresh input n, and reads back what happened on
	 * `platform` (the suite's sandbox unless told).
	 */
	async function runAgents(
		workflow: { id: string; path: string },
		count: number,
		settleMs = 0,
		timeoutMs = 180_000,
		platform: Platform = suite.h.platform,
	): Promise<RunResult> {
		const inputs = Array.from({ length: count }, () => nextInput++);
		await platform.call('DELETE', 'requests');
		const started = Date.now();
		const { execution } = await suite.h.n8n.runWebhookWorkflow(
			workflow.id,
			workflow.path,
			{ items: inputs.map((n) => ({ n })) },
			{ timeoutMs },
		);
		const ms = Date.now() - started;
		if (settleMs) await sleep(settleMs);
		const runs = await platform.executions();
		const runsPerInput = inputs.map((n) => runs.filter((run) => run.inputs?.n === n).length);
		const requests = (await platform.requests()) as RunResult['requests'];
		const nodeErr = nodeError(execution, 'Run Agent');
		const topError = execution.data?.resultData.error;
		const error = nodeErr ?? topError;
		if (error) ledger.errorTexts.push(`${error.message} ${error.description ?? ''}`);
		return {
			execution,
			outputs: nodeOutput(execution, 'Run Agent').map((item) => item.json),
			error: error
				? {
						message: String(error.message),
						description: error.description ? String(error.description) : undefined,
					}
				: undefined,
			ms,
			inputs,
			runsPerInput,
			requests,
		};
	}

	function outputsComplete(result: RunResult): boolean {
		const seen = result.outputs.map((json) =>
			Number((json.outputs as Record<string, unknown> | undefined)?.n),
		);
		return (
			result.execution.status === 'success' &&
			seen.length === result.inputs.length &&
			result.inputs.every((n, i) => seen[i] === n)
		);
	}

	function requestsTo(result: RunResult, method: string, pattern: RegExp) {
		return result.requests.filter(
			(request) => request.method === method && pattern.test(request.path),
		);
	}

	const EXECUTE = /\/executions\/agents\/[^/]+\/execute$/;
	const GET_EXECUTION = /\/executions\/[0-9a-f-]{36}$/;

	/** A second platform, as the reference design: it neither stores nor echoes idempotency keys. */
	let keyless: { sandbox: Sandbox; platform: Platform; credential: CredentialRef } | undefined;
	async function keylessPlatform() {
		if (keyless) return keyless;
		const unlimited = { perMinute: 0, perHour: 0 };
		const sandbox = await startSandbox({
			config: {
				idempotencyKeys: 'ignore',
				rateLimits: { execute: unlimited, read: unlimited, oauth: { perMinute: 0 } },
			},
		});
		ledger.remember('AutoGPT API key', sandbox.info.apiKey);
		const created = await suite.h.n8n.createCredential(
			'AutoGPT API (a platform without idempotency keys)',
			'autoGptApi',
			apiKeyCredentialData(sandbox.info),
		);
		keyless = {
			sandbox,
			platform: new Platform(sandbox.info),
			credential: { ...created, type: 'autoGptApi' },
		};
		return keyless;
	}

	/** `keyed`: the execute carried a key to a platform that stores keys, so no item may fail. */
	function recordFault(
		row: Omit<FaultRow, 'runs'>,
		result: RunResult,
		expectRuns: 'one each' | 'at most one',
		keyed = false,
	): void {
		const doubled = result.runsPerInput.filter((runs) => runs > 1).length;
		const missing =
			expectRuns === 'one each' ? result.runsPerInput.filter((runs) => runs === 0).length : 0;
		ledger.figures.duplicateRuns += doubled;
		ledger.figures.lostDeliveries += missing;
		if (keyed) {
			ledger.figures.duplicateRunsWithKeys += doubled;
			ledger.figures.ambiguousErrorsWithKeys += result.error
				? result.inputs.length - result.outputs.length
				: 0;
		}
		faultRows.push({
			...row,
			runs: `${result.runsPerInput.join(',')} (items ${result.inputs.length})`,
			ok: row.ok && doubled === 0 && missing === 0,
			rss: rssMiB(suite.h.n8nPid),
		});
	}

	describe('platform faults (sandbox fault injection, through real n8n)', () => {
		test('500, 502 and 503 on GET while waiting: retried, the workflow succeeds', async () => {
			const workflow = await executeAgentWorkflow('echo-key', suite.apiKey, 'echo');
			for (const status of [500, 502, 503])
				await suite.h.platform.addFault({
					method: 'GET',
					path: GET_EXECUTION.source,
					count: 1,
					status,
				});
			const result = await runAgents(workflow, 1);
			await suite.h.platform.clearFaults();
			const gets = requestsTo(result, 'GET', GET_EXECUTION).map((r) => r.status);
			const ok = outputsComplete(result) && [500, 502, 503].every((s) => gets.includes(s));
			recordFault(
				{
					scenario: 'GET 500, 502, 503 while waiting',
					injected: 'one of each on GET /executions/{id}',
					expected: 'retried, success',
					outcome: `${result.execution.status} in ${(result.ms / 1000).toFixed(1)} s; GET answers ${gets.join(' ')}`,
					ok,
				},
				result,
				'one each',
			);
			expect(result.error).toBeUndefined();
			expect(outputsComplete(result)).toBe(true);
			expect(gets.slice(0, 3)).toEqual([500, 502, 503]);
			expect(result.runsPerInput).toEqual([1]);
		});

		test('a timeout on GET while waiting: retried, the workflow succeeds', async () => {
			const workflow = await executeAgentWorkflow('echo-key', suite.apiKey, 'echo');
			// the node's request timeout is 30 s
			await suite.h.platform.addFault({
				method: 'GET',
				path: GET_EXECUTION.source,
				count: 1,
				delayMs: 31_000,
			});
			const result = await runAgents(workflow, 1);
			await suite.h.platform.clearFaults();
			const gets = requestsTo(result, 'GET', GET_EXECUTION).length;
			const ok = outputsComplete(result) && gets >= 2 && result.ms >= 30_000;
			recordFault(
				{
					scenario: 'GET timeout while waiting',
					injected: 'GET /executions/{id} answered after 31 s',
					expected: 'retried, success',
					outcome: `${result.execution.status} in ${(result.ms / 1000).toFixed(1)} s; ${gets} GETs`,
					ok,
				},
				result,
				'one each',
			);
			expect(result.error).toBeUndefined();
			expect(outputsComplete(result)).toBe(true);
			expect(result.ms).toBeGreaterThanOrEqual(30_000);
		});

		/**
		 * One keyed scenario on the suite's sandbox, which stores keys: `fault` plays after the run
		 * started; every item must come out once, from one run.
		 */
		let keyEchoSeen = false;
		async function keyedFault(
			scenario: string,
			injected: string,
			fault: Record<string, unknown>,
			options: { items?: number; workflowKey?: string; node?: Record<string, unknown> } = {},
		) {
			const workflow = await executeAgentWorkflow(
				options.workflowKey ?? 'echo-key',
				suite.apiKey,
				'echo',
				options.node,
			);
			// n8n trusts a retry only after this platform has echoed a key: one plain run first.
			if (!keyEchoSeen) {
				expect(outputsComplete(await runAgents(workflow, 1))).toBe(true);
				keyEchoSeen = true;
			}
			if (Object.keys(fault).length > 0)
				await suite.h.platform.addFault({
					method: 'POST',
					path: EXECUTE.source,
					count: 1,
					...fault,
				});
			const result = await runAgents(workflow, options.items ?? 1);
			await suite.h.platform.clearFaults();
			const executes = requestsTo(result, 'POST', EXECUTE);
			const codes = executes.map((request) => request.status).join(' ');
			const ok = outputsComplete(result) && result.runsPerInput.every((runs) => runs === 1);
			recordFault(
				{
					scenario,
					injected,
					expected: 'sent again under its key, success, 1 run each',
					outcome: `${result.execution.status} in ${(result.ms / 1000).toFixed(1)} s; execute answers ${codes}`,
					ok,
				},
				result,
				'one each',
				true,
			);
			expect(result.error).toBeUndefined();
			expect(outputsComplete(result)).toBe(true);
			expect(result.runsPerInput).toEqual(result.inputs.map(() => 1));
			return { result, executes };
		}

		test('with keys, the answer lost after the run started (3 items): sent again, each item once', async () => {
			const { executes } = await keyedFault(
				'execute with keys: answer lost (3 items)',
				'run started, then the connection closed, for each of 3 items',
				{ afterRoute: true, drop: true, count: 3 },
				{ items: 3 },
			);
			expect(executes).toHaveLength(6);
		});

		test('with keys, 502 after the run started: sent again, one run', async () => {
			const { executes } = await keyedFault(
				'execute with keys: 502 after the run started',
				'run started, then 502 on POST …/execute',
				{ afterRoute: true, status: 502 },
			);
			expect(executes.map((request) => request.status)).toEqual([502, 200]);
		});

		test('with keys, the connection reset after the run started: sent again, one run', async () => {
			const { executes } = await keyedFault(
				'execute with keys: connection reset',
				'run started, then a TCP reset',
				{ afterRoute: true, reset: true },
			);
			expect(executes).toHaveLength(2);
		});

		test('with keys, the answer later than the 30 s request timeout: waited out (409), one run', async () => {
			// The node's request timeout is 30 s; the platform answers 33 s after starting the run.
			const { result, executes } = await keyedFault(
				'execute with keys: answer after 33 s',
				'run started, answer held 33 s (timeout 30 s)',
				{ afterRoute: true, delayMs: 33_000 },
			);
			expect(executes.length).toBeGreaterThanOrEqual(2);
			expect(result.ms).toBeGreaterThanOrEqual(30_000);
		});

		test('with keys, n8n runs the node again in the same execution (Retry On Fail): no second run', async () => {
			// The run starts, then waiting for it fails (a 404 on its status is not retried) and n8n
			// runs the node again in the same n8n execution, as Retry On Fail says.
			await suite.h.platform.addFault({
				method: 'GET',
				path: GET_EXECUTION.source,
				count: 1,
				status: 404,
				body: { detail: 'Execution not found' },
			});
			const { result, executes } = await keyedFault(
				'Retry On Fail runs the node again',
				'404 on the first status check; retryOnFail, maxTries 2',
				{},
				{
					workflowKey: 'echo-retry-on-fail',
					node: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
				},
			);
			expect(nodeRuns(result.execution, 'Run Agent')).toHaveLength(1);
			expect(executes).toHaveLength(2);
			expect(executes[1].idempotency_key).toBe(executes[0].idempotency_key);
		});

		test('a platform without idempotency keys, a dropped connection on execute: not repeated, no second run, the error says the run may have started', async () => {
			const { platform, credential } = await keylessPlatform();
			const workflow = await executeAgentWorkflow('echo-keyless', credential, 'echo');
			await platform.addFault({
				method: 'POST',
				path: EXECUTE.source,
				count: 1,
				drop: true,
			});
			const result = await runAgents(workflow, 1, 0, 180_000, platform);
			await platform.clearFaults();
			const executes = requestsTo(result, 'POST', EXECUTE).length;
			const text = `${result.error?.message} ${result.error?.description}`;
			const ok =
				result.execution.status === 'error' &&
				executes === 1 &&
				/may have started/.test(text) &&
				result.runsPerInput[0] <= 1;
			recordFault(
				{
					scenario: 'execute, platform without keys: connection dropped',
					injected: 'socket destroyed on POST …/execute',
					expected: 'error, 1 execute request, ≤1 run',
					outcome: `${result.execution.status}: ${short(result.error?.message ?? '', 70)}; execute requests ${executes}`,
					ok,
				},
				result,
				'at most one',
			);
			expect(result.execution.status).toBe('error');
			expect(executes).toBe(1);
			expect(result.error?.message).toMatch(/no answer from AutoGPT/);
			expect(result.error?.description).toMatch(
				/may have started.*Look for it among the agent's executions/,
			);
			expect(result.runsPerInput[0]).toBeLessThanOrEqual(1);
		});

		test('the run started but the answer was lost, on a platform URL not yet seen to store keys: not repeated, exactly one run, the error says where to look', async () => {
			// n8n → proxy → sandbox: the sandbox starts the run and answers; the proxy drops the connection.
			const proxy = new LostAnswerProxy(suite.h.platform.info.url);
			await proxy.start();
			try {
				const viaProxy = await suite.h.n8n.createCredential(
					'AutoGPT API (through a proxy that loses answers)',
					'autoGptApi',
					{
						...apiKeyCredentialData(suite.h.platform.info),
						apiUrl: `${proxy.url}${new URL(suite.h.platform.info.apiUrl).pathname}`,
					},
				);
				const workflow = await executeAgentWorkflow(
					'echo-lost-answer',
					{ ...viaProxy, type: 'autoGptApi' },
					'echo',
				);
				proxy.loseAnswers('POST', EXECUTE);
				const result = await runAgents(workflow, 1, 1_000);
				const executes = requestsTo(result, 'POST', EXECUTE).length;
				const lost = proxy.swallowed.map((s) => s.upstreamStatus).join(',');
				const text = `${result.error?.message} ${result.error?.description}`;
				const ok =
					result.execution.status === 'error' &&
					executes === 1 &&
					/may have started/.test(text) &&
					result.runsPerInput[0] === 1;
				recordFault(
					{
						scenario: 'execute, first contact (key not yet echoed): run started, answer lost',
						injected: 'sandbox answered 200, proxy dropped the connection',
						expected: 'error, not repeated, exactly 1 run',
						outcome: `${result.execution.status}: ${short(result.error?.message ?? '', 70)}; execute requests ${executes} (answer swallowed: ${lost})`,
						ok,
					},
					result,
					'one each',
				);
				expect(result.execution.status).toBe('error');
				expect(proxy.swallowed).toHaveLength(1);
				expect(executes).toBe(1);
				expect(result.error?.message).toMatch(
					/no answer from AutoGPT \(the connection was dropped\)/,
				);
				expect(result.error?.description).toMatch(
					/may have started.*Look for it among the agent's executions/,
				);
				expect(result.runsPerInput).toEqual([1]);
			} finally {
				await proxy.stop();
			}
		});

		test('a platform without idempotency keys, 502 after the run started: not repeated, one run, the error says the run may have started', async () => {
			const { platform, credential } = await keylessPlatform();
			const workflow = await executeAgentWorkflow('echo-keyless', credential, 'echo');
			await platform.addFault({
				method: 'POST',
				path: EXECUTE.source,
				count: 1,
				status: 502,
				afterRoute: true,
			});
			const result = await runAgents(workflow, 1, 0, 180_000, platform);
			await platform.clearFaults();
			const executes = requestsTo(result, 'POST', EXECUTE).length;
			const ok =
				result.execution.status === 'error' &&
				executes === 1 &&
				/502/.test(result.error?.message ?? '') &&
				/may have started/.test(result.error?.description ?? '') &&
				result.runsPerInput[0] === 1;
			recordFault(
				{
					scenario: 'execute, platform without keys: 502 after the run started',
					injected: 'run started, then 502 on POST …/execute',
					expected: 'error naming 502, not repeated, 1 run',
					outcome: `${result.execution.status}: ${short(result.error?.message ?? '', 70)}; execute requests ${executes}`,
					ok,
				},
				result,
				'one each',
			);
			expect(ok).toBe(true);
		});

		test('malformed JSON in an answer: an error that says so, not a crash', async () => {
			const workflow = await executeAgentWorkflow('echo-key', suite.apiKey, 'echo');
			await suite.h.platform.addFault({
				method: 'GET',
				path: GET_EXECUTION.source,
				count: 1,
				malformed: true,
			});
			const result = await runAgents(workflow, 1);
			await suite.h.platform.clearFaults();
			const ok =
				result.execution.status === 'error' && /unexpected body/.test(result.error?.message ?? '');
			recordFault(
				{
					scenario: 'GET answer: malformed JSON',
					injected: '200 with a broken-off JSON body',
					expected: 'error naming the body',
					outcome: `${result.execution.status}: ${short(result.error?.message ?? '', 90)}`,
					ok,
				},
				result,
				'one each',
			);
			expect(result.execution.status).toBe('error');
			expect(result.error?.message).toMatch(/Could not get execution .*unexpected body \(\(body\)/);
		});

		test('an unexpected shape in an answer: an error naming the field', async () => {
			const workflow = await executeAgentWorkflow('echo-key', suite.apiKey, 'echo');
			await suite.h.platform.addFault({
				method: 'GET',
				path: GET_EXECUTION.source,
				count: 1,
				status: 200,
				body: { execution_id: 'x', status: 42, outputs: [] },
			});
			const getResult = await runAgents(workflow, 1);
			await suite.h.platform.addFault({
				method: 'POST',
				path: EXECUTE.source,
				count: 1,
				status: 200,
				body: { status: 'queued', message: 'no id' },
			});
			const executeResult = await runAgents(workflow, 1);
			await suite.h.platform.clearFaults();
			const okGet =
				getResult.execution.status === 'error' && /status/.test(getResult.error?.message ?? '');
			const okExecute =
				executeResult.execution.status === 'error' &&
				/execution_id/.test(executeResult.error?.message ?? '');
			recordFault(
				{
					scenario: 'GET answer: wrong shape',
					injected: '{execution_id:"x", status:42, outputs:[]}',
					expected: 'error naming status',
					outcome: `${getResult.execution.status}: ${short(getResult.error?.message ?? '', 90)}`,
					ok: okGet,
				},
				getResult,
				'one each',
			);
			recordFault(
				{
					scenario: 'execute answer: wrong shape',
					injected: '{status:"queued"} without execution_id',
					expected: 'error naming execution_id',
					outcome: `${executeResult.execution.status}: ${short(executeResult.error?.message ?? '', 90)}`,
					ok: okExecute,
				},
				executeResult,
				'at most one',
			);
			expect(getResult.error?.message).toMatch(/status: Expected string, received number/);
			expect(getResult.error?.message).toMatch(/outputs: Expected object, received array/);
			expect(executeResult.error?.message).toMatch(/execution_id: Required/);
		});

		test('a storm of 429s: waits as told, finishes, no item lost or doubled', async () => {
			const workflow = await executeAgentWorkflow('echo-key', suite.apiKey, 'echo');
			await suite.h.platform.addFault({
				path: `${new URL(suite.h.platform.info.apiUrl).pathname}/executions`,
				count: 15,
				status: 429,
				headers: { 'retry-after': '1' },
				body: { detail: 'Rate limit exceeded' },
			});
			// 15 answers of "come back in 1 s" spread over 5 items: a few seconds in all. A minute is plenty.
			let result: RunResult | undefined;
			let failure = '';
			const started = Date.now();
			try {
				result = await runAgents(workflow, 5, 0, 60_000);
			} catch (error) {
				failure = (error as Error).message;
			}
			await suite.h.platform.clearFaults();
			if (!result) {
				const runs = await suite.h.platform.executions();
				const requests = await suite.h.platform.requests();
				faultRows.push({
					scenario: '429 storm',
					injected: '15 × 429, Retry-After 1 s, 5 items',
					expected: 'waits ~1 s each time, all 5 complete once',
					outcome: `NOT FINISHED after ${Math.round((Date.now() - started) / 1000)} s; ${requests.filter((r) => r.status === 429).length} × 429 then ${requests.filter((r) => r.status !== 429).length} other requests`,
					runs: `${runs.filter((run) => Number(run.inputs?.n) >= nextInput - 5).length} runs (items 5)`,
					ok: false,
				});
				ledger.figures.lostDeliveries += 5;
				throw new Error(
					`the workflow did not finish within 60 s of a storm of 429s with Retry-After: 1 (${failure})`,
				);
			}
			const answered429 = result.requests.filter((r) => r.status === 429).length;
			// Told to come back after 1 s, 15 times over 5 items running together: even one at a time
			// that is 15 s of waiting, plus the agent's 0.7 s.
			const ok = outputsComplete(result) && answered429 === 15 && result.ms >= 1_000;
			recordFault(
				{
					scenario: '429 storm',
					injected: '15 × 429, Retry-After 1 s, 5 items',
					expected: 'waits, all 5 complete once',
					outcome: `${result.execution.status} in ${(result.ms / 1000).toFixed(1)} s; ${answered429} × 429, ${result.outputs.length} items out`,
					ok,
				},
				result,
				'one each',
			);
			expect(result.error).toBeUndefined();
			expect(outputsComplete(result)).toBe(true);
			expect(answered429).toBe(15);
			expect(result.ms).toBeGreaterThanOrEqual(1_000);
			expect(result.runsPerInput).toEqual([1, 1, 1, 1, 1]);
		});

		test('the access token expires while waiting: refreshed, the runs complete', async () => {
			await suite.h.platform.config({ tokenTtlSeconds: 2 });
			const shortLived = await suite.h.n8n.createCredential(
				'AutoGPT OAuth2 (2 s tokens)',
				'autoGptOAuth2Api',
				oauth2CredentialData(suite.h.platform.info),
			);
			try {
				await connectOAuth2Credential(suite.h.n8n, suite.h.platform, shortLived.id);
				const workflow = await executeAgentWorkflow(
					'slow-suite.oauth-short',
					{ ...shortLived, type: 'autoGptOAuth2Api' },
					'slow',
				);
				const before = await suite.h.platform.tokens();
				const result = await runAgents(workflow, 3);
				const after = await suite.h.platform.tokens();
				for (const token of after) ledger.remember(`${token.kind} token`, token.token);
				const refreshed =
					after.filter((t) => t.kind === 'refresh').length -
					before.filter((t) => t.kind === 'refresh').length;
				const unauthorized = result.requests.filter((r) => r.status === 401).length;
				const ok = outputsComplete(result) && refreshed >= 1;
				recordFault(
					{
						scenario: 'token expires while waiting',
						injected: 'tokenTtlSeconds 2, 3 items of a 5 s agent',
						expected: 'refreshed, all complete',
						outcome: `${result.execution.status} in ${(result.ms / 1000).toFixed(1)} s; ${refreshed} refreshes, ${unauthorized} × 401`,
						ok,
					},
					result,
					'one each',
				);
				expect(result.error).toBeUndefined();
				expect(outputsComplete(result)).toBe(true);
				expect(refreshed).toBeGreaterThanOrEqual(1);
			} finally {
				await suite.h.platform.config({ tokenTtlSeconds: 3600 });
			}
		});

		test('the refresh token revoked: a clear "reconnect the credential" error; reconnecting recovers', async () => {
			const workflow = await executeAgentWorkflow('echo-suite.oauth', suite.oauth, 'echo');
			const warmup = await runAgents(workflow, 1);
			expect(warmup.error).toBeUndefined();
			const tokens = await suite.h.platform.tokens();
			for (const token of tokens) ledger.remember(`${token.kind} token`, token.token);
			// Revoke every live refresh token of the client (which also revokes their access tokens).
			for (const token of tokens.filter((t) => t.kind === 'refresh' && t.active)) {
				expect(await suite.h.platform.revokeToken(token.token, 'refresh_token')).toBe(200);
			}
			const result = await runAgents(workflow, 1);
			const text = `${result.error?.message ?? ''} ${result.error?.description ?? ''}`;
			const ok =
				result.execution.status === 'error' &&
				/reconnect/i.test(text) &&
				result.runsPerInput[0] === 0;
			recordFault(
				{
					scenario: 'refresh token revoked',
					injected: 'POST /suite.oauth/revoke of the refresh token',
					expected: 'error asking to reconnect, no run',
					outcome: `${result.execution.status}: ${short(result.error?.message ?? '', 90)}`,
					ok,
				},
				result,
				'at most one',
			);
			await connectOAuth2Credential(suite.h.n8n, suite.h.platform, suite.oauth.id);
			const recovered = await runAgents(workflow, 1);
			for (const token of await suite.h.platform.tokens())
				ledger.remember(`${token.kind} token`, token.token);
			recordFault(
				{
					scenario: '… after reconnecting',
					injected: '(none)',
					expected: 'success',
					outcome: `${recovered.execution.status}`,
					ok: outputsComplete(recovered),
				},
				recovered,
				'one each',
			);
			expect(result.execution.status).toBe('error');
			expect(text).toMatch(/reconnect/i);
			expect(result.runsPerInput).toEqual([0]);
			expect(outputsComplete(recovered)).toBe(true);
		});

		test('the subscription deleted on the platform while active: the next activation recreates it; none left after deactivation', async () => {
			const workflow = await suite.h.n8n.createWorkflow(
				triggerWorkflow('Reliability: subscription lifecycle', suite.oauth, {
					events: ['execution.completed'],
				}),
			);
			const url = suite.webhookUrlOf(workflow);
			await suite.h.n8n.activateWorkflow(workflow.id);
			const [first] = await suite.subscriptionAt(url);
			const afterActivation = (await suite.subscriptionAt(url)).length;
			expect(await suite.h.platform.deleteSubscription(first.id)).toBe(204);
			const afterDeletion = (await suite.subscriptionAt(url)).length;
			// n8n does not know: the next activation finds it gone. Deactivating tolerates the 404.
			await suite.h.n8n.deactivateWorkflow(workflow.id);
			await suite.h.n8n.activateWorkflow(workflow.id);
			const recreated = await suite.subscriptionAt(url);
			const newSecret = recreated[0]?.secret ?? '';
			const fresh = completedPayload();
			const withNew = await post(url, signedDelivery(newSecret, fresh));
			const withOld = await post(url, signedDelivery(first.secret, completedPayload()));
			const started = await settleExecutionCount(suite.h.n8n, workflow.id, 1, 30_000);
			await suite.h.n8n.deactivateWorkflow(workflow.id);
			const afterDeactivation = (await suite.subscriptionAt(url)).length;
			const ok =
				afterActivation === 1 &&
				afterDeletion === 0 &&
				recreated.length === 1 &&
				recreated[0].id !== first.id &&
				withNew.status === 200 &&
				withOld.status === 401 &&
				started === 1 &&
				afterDeactivation === 0;
			faultRows.push({
				scenario: 'subscription deleted on the platform',
				injected: 'DELETE /webhooks/{id} behind n8n',
				expected: 'recreated on activation, 0 left after',
				outcome: `subscriptions: active ${afterActivation}, deleted ${afterDeletion}, reactivated ${recreated.length} (new id ${recreated[0]?.id !== first.id ? 'yes' : 'no'}), deactivated ${afterDeactivation}; new secret → ${withNew.status}, old → ${withOld.status}`,
				runs: `${started} execution`,
				ok,
			});
			if (!ok) ledger.figures.lostDeliveries += started === 1 ? 0 : 1;
			expect(afterActivation).toBe(1);
			expect(afterDeletion).toBe(0);
			expect(recreated).toHaveLength(1);
			expect(recreated[0].id).not.toBe(first.id);
			expect(withNew.status).toBe(200);
			expect(withOld.status).toBe(401);
			expect(started).toBe(1);
			expect(afterDeactivation).toBe(0);
		});

		afterAll(async () => await keyless?.sandbox.stop());

		afterAll(() => {
			ledger.memory.push(['after the faults', rssMiB(suite.h.n8nPid)]);
			ledger.print(
				table(
					'Platform faults (sandbox fault injection, AutoGPT node in real n8n)',
					[
						'scenario',
						'injected',
						'expected',
						'outcome',
						'agent runs per item',
						'n8n RSS after (MiB)',
						'ok',
					],
					faultRows.map((r) => [
						r.scenario,
						r.injected,
						r.expected,
						r.outcome,
						r.runs,
						r.rss ?? rssMiB(suite.h.n8nPid),
						r.ok ? 'yes' : 'NO',
					]),
				),
			);
		});
	});
}
