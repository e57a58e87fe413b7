// The live-v1 sandbox's admin API (test/sandbox/README.md) as the end-to-end tests and the demo use
// it, the AutoGPT API credential of that sandbox, and the example workflow of today's platform.
/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test harness, not node code */
import { readFileSync } from 'fs';
import { join } from 'path';

import type { LiveV1SandboxInfo } from '../../sandbox/liveV1/server';
import type { SandboxInfo } from '../harness';
import type { Workflow } from '../n8n-api';
import { SandboxAdmin } from '../platform';
import { DEMO_WORKFLOWS_DIR } from '../workflows';

export interface LiveExecution {
	execution_id: string;
	graph_id: string;
	graph_version: number;
	status: string;
	inputs: Record<string, unknown>;
	[key: string]: unknown;
}

/** The other profile's admin client, for the verbs both sandboxes share, and those of live-v1. */
export class LiveV1Admin extends SandboxAdmin {
	constructor(readonly live: LiveV1SandboxInfo) {
		super(live as unknown as SandboxInfo);
	}

	async graphExecutions(): Promise<LiveExecution[]> {
		return await this.call('GET', 'executions');
	}

	async credentials(): Promise<Array<{ id: string; provider: string }>> {
		return await this.call('GET', 'credentials');
	}

	async mintApiKey(permissions: string[]): Promise<string> {
		return (await this.call<{ apiKey: string }>('POST', 'api-keys', { permissions })).apiKey;
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
