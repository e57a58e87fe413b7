// The live-v1 sandbox's admin API (test/sandbox/README.md) as the end-to-end tests and the demo use
// it, the AutoGPT API credential of that sandbox, and the example workflow of today's platform.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code */
import { readFileSync } from 'fs';
import { join } from 'path';

import type { LiveV1SandboxInfo } from '../../sandbox/liveV1/server';
import type { Workflow } from '../n8n-api';
import { DEMO_WORKFLOWS_DIR } from '../workflows';

export interface LiveExecution {
	execution_id: string;
	graph_id: string;
	graph_version: number;
	status: string;
	inputs: Record<string, unknown>;
	[key: string]: unknown;
}

export class LiveV1Admin {
	constructor(readonly info: LiveV1SandboxInfo) {}

	async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.info.url}/_sandbox/${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`sandbox ${method} ${path} → ${response.status}: ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	async executions(): Promise<LiveExecution[]> {
		return await this.call('GET', 'executions');
	}

	async requests(): Promise<
		Array<{ method: string; path: string; query: string; status: number; fault: boolean }>
	> {
		return await this.call('GET', 'requests');
	}

	async credentials(): Promise<Array<{ id: string; provider: string }>> {
		return await this.call('GET', 'credentials');
	}

	async config(change: Record<string, unknown>): Promise<void> {
		await this.call('POST', 'config', change);
	}

	async fault(rule: Record<string, unknown>): Promise<void> {
		await this.call('POST', 'faults', rule);
	}

	async mintApiKey(permissions: string[]): Promise<string> {
		return (await this.call<{ apiKey: string }>('POST', 'api-keys', { permissions })).apiKey;
	}

	async reset(): Promise<void> {
		await this.call('POST', 'reset');
	}
}

/** The AutoGPT API credential of this sandbox: Platform left Automatic, found from the address. */
export function liveCredentialData(
	sandbox: LiveV1SandboxInfo,
	apiKey = sandbox.apiKey,
): Record<string, unknown> {
	return { apiKey, platformUrl: sandbox.url, apiUrl: sandbox.apiUrl };
}

/** examples/run-store-agent.json with this sandbox's store agent and the given credential. */
export function loadStoreAgentExample(
	sandbox: LiveV1SandboxInfo,
	credential: { id: string; name: string },
): Workflow {
	const text = readFileSync(join(DEMO_WORKFLOWS_DIR, 'run-store-agent.json'), 'utf8')
		.split('__STORE_AGENT__')
		.join(sandbox.storeAgents.echo)
		.split('__API_CREDENTIAL_ID__')
		.join(credential.id)
		.split('__API_CREDENTIAL_NAME__')
		.join(credential.name);
	const left = /__[A-Z0-9_]+__/.exec(text);
	if (left) throw new Error(`run-store-agent.json: no value for the placeholder ${left[0]}`);
	return JSON.parse(text) as Workflow;
}
