// Jest glue for the end-to-end tests: one stack per test file, booted in beforeAll and stopped in
// afterAll. N8N_E2E_ATTACH=1 runs the tests against the stack `npm run e2e:up` left running instead
// (a fast loop while writing tests; that stack is not stopped).
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { mkdirSync } from 'fs';

import {
	ARTIFACTS_DIR,
	OWNER,
	readUpRecord,
	startStack,
	type Stack,
	type StartStackOptions,
} from './harness';
import {
	N8nClient,
	nodeError,
	nodeOutput,
	type Execution,
	type ItemJson,
	type NodeRun,
} from './n8n-api';
import {
	apiKeyCredentialData,
	connectOAuth2Credential,
	oauth2CredentialData,
	SandboxAdmin,
} from './platform';
import { autoGptNode, webhookWorkflow, type CredentialRef } from './workflows';

export interface TestStack extends Stack {
	admin: SandboxAdmin;
}

/** Long enough for a first run on a fresh machine: n8n's install takes a few minutes. */
export const BOOT_TIMEOUT_MS = 20 * 60_000;

async function attach(): Promise<TestStack> {
	const record = readUpRecord();
	if (!record) throw new Error('N8N_E2E_ATTACH=1 but no stack from `npm run e2e:up` is running');
	const n8n = new N8nClient(record.line.n8nUrl);
	n8n.apiKey = record.line.n8nApiKey;
	await n8n.login(OWNER.email, OWNER.password);
	n8n.webhookUrl = record.line.webhookUrls?.[0] ?? record.line.n8nUrl;
	return {
		n8nUrl: record.line.n8nUrl,
		webhookUrl: n8n.webhookUrl,
		n8nApiKey: record.line.n8nApiKey,
		owner: OWNER,
		sandbox: record.line.sandbox,
		n8n,
		stateDir: record.stateDir,
		userFolder: `${record.stateDir}/n8n`,
		resolution: {},
		pids: record.pids,
		logs: { n8n: `${record.stateDir}/n8n.log`, sandbox: `${record.stateDir}/sandbox.out` },
		timings: {},
		restartN8n: async () => {
			throw new Error('a stack attached with N8N_E2E_ATTACH=1 cannot restart n8n');
		},
		stop: async () => {},
		admin: new SandboxAdmin(record.line.sandbox),
	};
}

export async function bootForTests(options: StartStackOptions = {}): Promise<TestStack> {
	mkdirSync(ARTIFACTS_DIR, { recursive: true });
	if (process.env.N8N_E2E_ATTACH === '1') return await attach();
	const stack = await startStack(options);
	return { ...stack, admin: new SandboxAdmin(stack.sandbox) };
}

/**
 * Set by the queue-mode suite (test/e2e/queue/) before a single-process test file it imports boots:
 * that file's useStack() then runs its tests against the queue-mode stack.
 */
let bootOverride: (() => Promise<TestStack>) | undefined;
export function bootWith(boot: () => Promise<TestStack>): void {
	bootOverride = boot;
}

/** Boots one stack for the calling test file; returns a getter for it. */
export function useStack(options: StartStackOptions = {}): () => TestStack {
	let stack: TestStack | undefined;
	beforeAll(async () => {
		stack = bootOverride ? await bootOverride() : await bootForTests(options);
		if (stack.timings.total) {
			process.stderr.write(
				`[e2e] stack up: install ${stack.timings.install} ms, pack ${stack.timings.pack} ms, boot ${stack.timings.boot} ms\n`,
			);
		}
	}, BOOT_TIMEOUT_MS);
	afterAll(async () => {
		await stack?.stop();
	}, 60_000);
	return () => {
		if (!stack) throw new Error('the e2e stack did not start (see the beforeAll error)');
		return stack;
	};
}

/**
 * The sandbox made ready for suites that run many agents, and both AutoGPT credentials for it (the
 * OAuth2 one connected). The platform's execute budget (10 a minute) would make a suite wait on
 * 429s for minutes; the transport's handling of those is proven in the integration tests.
 */
export async function prepareAutoGpt(
	stack: TestStack,
): Promise<{ apiKey: CredentialRef; oauth: CredentialRef }> {
	await stack.admin.config({
		rateLimits: {
			execute: { perMinute: 600, perHour: 6000 },
			read: { perMinute: 6000, perHour: 60000 },
		},
	});
	const key = await stack.n8n.createCredential(
		'AutoGPT API (sandbox)',
		'autoGptApi',
		apiKeyCredentialData(stack.sandbox),
	);
	return {
		apiKey: { ...key, type: 'autoGptApi' },
		oauth: await connectedOAuth2Credential(stack, 'AutoGPT OAuth2 (sandbox)'),
	};
}

let counter = 0;
/** An AutoGPT OAuth2 credential for the sandbox's client, connected through the consent page. */
export async function connectedOAuth2Credential(
	stack: TestStack,
	name: string,
): Promise<CredentialRef> {
	const client = await stack.n8n.createCredential(
		name,
		'autoGptOAuth2Api',
		oauth2CredentialData(stack.sandbox),
	);
	await connectOAuth2Credential(stack.n8n, stack.admin, client.id);
	return { ...client, type: 'autoGptOAuth2Api' };
}

export function uniquePath(prefix: string): string {
	counter += 1;
	return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export interface NodeRunResult {
	execution: Execution;
	output: ItemJson[];
	error: NodeRun['error'] | undefined;
	workflowId: string;
}

/**
 * One AutoGPT node behind a Webhook: creates and activates the workflow, posts `items`, and returns
 * the finished execution with the node's output (or error) as n8n recorded them.
 */
export async function runAutoGptNode(
	stack: TestStack,
	credential: CredentialRef,
	parameters: Record<string, unknown>,
	items: Array<Record<string, unknown>> = [{}],
	options: { name?: string; nodeExtra?: Record<string, unknown>; timeoutMs?: number } = {},
): Promise<NodeRunResult> {
	const nodeName = options.name ?? 'AutoGPT';
	return await runChain(
		stack,
		[autoGptNode(nodeName, credential, parameters, options.nodeExtra)],
		items,
		nodeName,
		options.timeoutMs,
	);
}

export async function runChain(
	stack: TestStack,
	chain: ReturnType<typeof autoGptNode>[],
	items: Array<Record<string, unknown>>,
	outputNode: string,
	timeoutMs?: number,
): Promise<NodeRunResult> {
	const path = uniquePath('e2e');
	const workflow = await stack.n8n.createWorkflow(
		webhookWorkflow(`e2e ${expect.getState().currentTestName ?? path}`.slice(0, 120), path, chain),
	);
	await stack.n8n.activateWorkflow(workflow.id);
	try {
		const { execution } = await stack.n8n.runWebhookWorkflow(
			workflow.id,
			path,
			{ items },
			{ timeoutMs },
		);
		return {
			execution,
			output: nodeOutput(execution, outputNode),
			error: nodeError(execution, outputNode),
			workflowId: workflow.id,
		};
	} finally {
		await stack.n8n.deactivateWorkflow(workflow.id);
	}
}
