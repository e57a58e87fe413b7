// The real-n8n stack for the benchmarks, booted once through the e2e harness, and the few things
// every benchmark does with it: fresh credentials, published workflows, a webhook run waited for.
import { randomUUID } from 'crypto';

import { startStack, type Stack } from '../e2e/harness';
import type { Execution, Workflow, WorkflowNode } from '../e2e/n8n-api';
import { apiKeyCredentialData, SandboxAdmin } from '../e2e/platform';
import type { CredentialRef } from '../e2e/workflows';
import { log, sleep } from './report';

export interface BenchStack {
	stack: Stack;
	admin: SandboxAdmin;
	/** Fixture name → agent ID. */
	agents: Record<string, string>;
	/** An API-key credential of its own: the node's rate budget is per credential, so each variant starts fresh. */
	newCredential(name: string): Promise<CredentialRef>;
	/** Creates and publishes a workflow; returns its ID. */
	publish(workflow: Workflow): Promise<string>;
	/** POSTs to a production webhook and waits, without fetching execution data, until the run it started ends. */
	runWebhook(
		workflowId: string,
		path: string,
		body: unknown,
		options?: { timeoutMs?: number; pollMs?: number },
	): Promise<WebhookRun>;
}

export interface WebhookRun {
	execution: Execution;
	/** n8n's own startedAt → stoppedAt. */
	wallMs: number;
	/** From our POST to seeing the run finished (includes up to one 100 ms status poll). */
	clientMs: number;
}

export async function bootStack(): Promise<BenchStack> {
	const stack = await startStack({
		log: (line) => log(`e2e: ${line}`),
		// n8n's own logging is not what is measured.
		n8nEnv: { N8N_LOG_LEVEL: 'warn' },
	});
	const admin = new SandboxAdmin(stack.sandbox);
	const { n8n } = stack;
	return {
		stack,
		admin,
		agents: stack.sandbox.agents,
		newCredential: async (name) => {
			const created = await n8n.createCredential(
				name,
				'autoGptApi',
				apiKeyCredentialData(stack.sandbox),
			);
			return { ...created, type: 'autoGptApi' };
		},
		publish: async (workflow) => {
			const created = await n8n.createWorkflow(workflow);
			await n8n.activateWorkflow(created.id);
			return created.id;
		},
		runWebhook: async (workflowId, path, body, options = {}) => {
			const known = await n8n.executionIds(workflowId);
			const started = performance.now();
			const response = await fetch(`${stack.n8nUrl}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			await response.text();
			if (!response.ok) throw new Error(`webhook ${path} answered ${response.status}`);
			const deadline = Date.now() + (options.timeoutMs ?? 300_000);
			while (Date.now() < deadline) {
				// A loaded n8n on SQLite sometimes answers 503 "Database is not ready" for a moment.
				const listed = await n8n.executions(workflowId, 20).catch(() => undefined);
				if (!listed) {
					await sleep(1000);
					continue;
				}
				const fresh = listed.filter((e) => !known.has(String(e.id)));
				const done = fresh.find((e) => !['new', 'running', 'waiting'].includes(e.status));
				if (done) {
					const clientMs = performance.now() - started;
					const execution = await n8n.execution(String(done.id));
					const wallMs = Date.parse(String(execution.stoppedAt)) - Date.parse(execution.startedAt);
					return { execution, wallMs, clientMs };
				}
				await sleep(options.pollMs ?? 100);
			}
			throw new Error(
				`workflow ${workflowId}: no finished run within ${options.timeoutMs ?? 300_000} ms`,
			);
		},
	};
}

export function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	extra: Partial<WorkflowNode> = {},
): WorkflowNode {
	return { id: randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

/** Webhook (POST, answers at once) → the given nodes, laid out left to right; `links` are [from, output, to]. */
export function graph(
	name: string,
	path: string,
	nodes: WorkflowNode[],
	links: Array<[string, number, string]>,
): Workflow {
	const webhook = node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2.1,
		{ httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
		{ webhookId: randomUUID() },
	);
	const all = [webhook, ...nodes];
	all.forEach((each, index) => {
		each.position = [220 + index * 220, 300];
	});
	const connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }>> }
	> = {};
	for (const [from, output, to] of links) {
		const entry = (connections[from] ??= { main: [] });
		while (entry.main.length <= output) entry.main.push([]);
		entry.main[output].push({ node: to, type: 'main', index: 0 });
	}
	return { name, nodes: all, connections };
}

/** Items posted as `{items: [...]}` become n8n items. */
export const splitItems = () =>
	node('Items', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.items', options: {} });
