/* eslint-disable @n8n/community-nodes/no-restricted-imports */
// (Test code: it runs in jest on Node, never inside n8n.)
//
// What the reliability suite needs around the e2e harness: the sandbox's admin API, workflow JSON
// for a trigger and for Execute Agent, signed deliveries built from the sandbox's Python-exact JSON
// (never from the product's verification code, so a misreading on one side fails a test), RSS
// sampling of the n8n process, and the tables the suite prints.
import { readFileSync } from 'fs';
import { randomUUID } from 'crypto';
import http from 'http';

import { canonicalJson, pythonJsonDumps, signatureHeader, wireJson } from '../sandbox/canonical';
import type { N8nClient, Workflow } from '../e2e/n8n-api';
import { SandboxAdmin } from '../e2e/platform';
import { sleep } from '../e2e/processes';
import { agentLocator, autoGptNode, type CredentialRef, webhookWorkflow } from '../e2e/workflows';
import type { FaultRequest } from '../sandbox/faults';

// ---------------------------------------------------------------------------------------------
// The sandbox's admin API, with what the e2e client leaves out

/** A `POST /_sandbox/faults` body, as the sandbox defines it. */
export type FaultRule = FaultRequest & { count: number };

export class Platform extends SandboxAdmin {
	async addFault(rule: FaultRule): Promise<void> {
		await this.call('POST', 'faults', rule);
	}

	async clearFaults(): Promise<void> {
		await this.call('DELETE', 'faults');
	}

	/** Deletes a subscription behind n8n's back, as someone on the platform would (contract §7). */
	async deleteSubscription(id: string): Promise<number> {
		const response = await fetch(`${this.info.apiUrl}/webhooks/${id}`, {
			method: 'DELETE',
			headers: { 'X-API-Key': this.info.apiKey },
		});
		return response.status;
	}

	/** Revokes a token the way the OAuth client itself may (§2 /oauth/revoke). */
	async revokeToken(token: string, hint: 'refresh_token' | 'access_token'): Promise<number> {
		const response = await fetch(`${this.info.url}/oauth/revoke`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				token,
				token_type_hint: hint,
				client_id: this.info.clientId,
				client_secret: this.info.clientSecret,
			}).toString(),
		});
		return response.status;
	}
}

// ---------------------------------------------------------------------------------------------
// Workflows

/**
 * Webhook (POST /webhook/<path>) → Split Out of `body.items` → Execute Agent, waiting. Each posted
 * item is one agent run whose input `n` is the item's `n`.
 */
export function executeWorkflow(
	name: string,
	path: string,
	credential: CredentialRef,
	agentId: string,
	options: Record<string, unknown> = { pollInterval: 0.5, timeout: 120 },
): Workflow {
	const workflow = webhookWorkflow(name, path, [
		autoGptNode('Run Agent', credential, {
			resource: 'agent',
			operation: 'execute',
			agent: agentLocator(agentId),
			inputSource: 'json',
			inputsJson: '={{ JSON.stringify({ n: $json.n }) }}',
			waitForCompletion: true,
			options,
		}),
	]);
	return { ...workflow, settings: SETTINGS };
}

/** Every execution is kept with its data, so the secrets scan sees everything n8n stored. */
export const SETTINGS = {
	executionOrder: 'v1',
	saveDataSuccessExecution: 'all',
	saveDataErrorExecution: 'all',
	saveManualExecutions: true,
};

// ---------------------------------------------------------------------------------------------
// Deliveries

/** `2026-11-22T20:00:00.123456+00:00`, as Python's isoformat writes it. */
export function pythonIso(ms: number): string {
	return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

export interface Payload {
	event: string;
	timestamp: string;
	data: unknown;
}

export function completedPayload(
	timestampMs = Date.now(),
	extra: Record<string, unknown> = {},
): Payload {
	return {
		event: 'execution.completed',
		timestamp: pythonIso(timestampMs),
		data: {
			execution_id: randomUUID(),
			agent_id: '5b0c8a52-4c1e-4d52-9a0e-0e8f3d6c1a01',
			status: 'completed',
			outputs: { result: ['ok'] },
			...extra,
		},
	};
}

export interface WireDelivery {
	body: Buffer;
	headers: Record<string, string>;
}

/** A delivery as the platform would send it: Python's wire JSON, signed raw or canonical. */
export function signedDelivery(
	secret: string,
	payload: Payload | unknown,
	options: { form?: 'raw' | 'canonical'; headerTimestamp?: string; wire?: 'python' | 'utf8' } = {},
): WireDelivery {
	const wire =
		options.wire === 'utf8' ? pythonJsonDumps(payload, { ensureAscii: false }) : wireJson(payload);
	const signed = (options.form ?? 'canonical') === 'raw' ? wire : canonicalJson(payload);
	return {
		body: Buffer.from(wire, 'utf8'),
		headers: {
			'content-type': 'application/json',
			'user-agent': 'AutoGPT-Webhook/1.0',
			'x-webhook-timestamp': options.headerTimestamp ?? pythonIso(Date.now()),
			'x-webhook-signature': signatureHeader(secret, signed),
		},
	};
}

export interface Answer {
	status: number;
	body: string;
	ms: number;
}

/**
 * POSTs over a fresh connection with node:http, so the body bytes, Content-Length and headers are
 * exactly the ones given (fetch would add or normalize some).
 */
export async function post(
	url: string,
	delivery: WireDelivery,
	timeoutMs = 120_000,
): Promise<Answer> {
	const started = Date.now();
	return await new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{
				method: 'POST',
				agent: false,
				headers: { ...delivery.headers, 'content-length': String(delivery.body.length) },
				timeout: timeoutMs,
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						body: Buffer.concat(chunks).toString('utf8'),
						ms: Date.now() - started,
					}),
				);
				response.on('error', reject);
			},
		);
		request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
		request.on('error', (error: NodeJS.ErrnoException) => {
			// n8n may answer 413 and close before the whole body is written: that answer counts.
			if (error.code === 'EPIPE' || error.code === 'ECONNRESET')
				resolve({ status: -1, body: error.code, ms: Date.now() - started });
			else reject(error);
		});
		request.end(delivery.body);
	});
}

// ---------------------------------------------------------------------------------------------
// n8n executions and the n8n process

/** Every execution id of a workflow, through the public API's cursor pages. */
export async function allExecutions(
	n8n: N8nClient,
	workflowId: string,
	includeData = false,
): Promise<Array<{ id: string; status: string; [key: string]: unknown }>> {
	const found: Array<{ id: string; status: string }> = [];
	let cursor: string | undefined;
	for (;;) {
		const query = `workflowId=${workflowId}&limit=250${includeData ? '&includeData=true' : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
		const page = await n8n.api<{
			data: Array<{ id: string; status: string }>;
			nextCursor?: string | null;
		}>('GET', `/executions?${query}`);
		found.push(...page.data);
		if (!page.nextCursor) return found;
		cursor = page.nextCursor;
	}
}

/** Waits until the workflow's execution count stops at `expected` (or passes it), then returns it. */
export async function settleExecutionCount(
	n8n: N8nClient,
	workflowId: string,
	expected: number,
	timeoutMs: number,
): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	let count = -1;
	while (Date.now() < deadline) {
		const executions = await allExecutions(n8n, workflowId);
		count = executions.length;
		const running = executions.some((e) => ['new', 'running', 'waiting'].includes(e.status));
		if (count >= expected && !running) break;
		await sleep(500);
	}
	// a little longer, so a late duplicate would still be counted
	await sleep(1_000);
	return (await allExecutions(n8n, workflowId)).length;
}

/** Resident memory of a process in MiB, from /proc/<pid>/status. */
export function rssMiB(pid: number): number {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
		return Math.round((kb / 1024) * 10) / 10;
	} catch {
		return 0;
	}
}

// ---------------------------------------------------------------------------------------------
// Output

export function table(
	title: string,
	header: string[],
	rows: Array<Array<string | number>>,
): string {
	const cells = [header, ...rows.map((row) => row.map(String))];
	const widths = header.map((_, column) =>
		Math.max(...cells.map((row) => (row[column] ?? '').length)),
	);
	const line = (row: string[]) =>
		`| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
	return [`\n${title}`, line(header), rule, ...cells.slice(1).map(line), ''].join('\n');
}

/** A text on one line, cut to `length` characters for a table cell. */
export function short(text: string, length = 60): string {
	const flat = text.replace(/\s+/g, ' ');
	return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}
