// Workflow JSON for the end-to-end tests, built the way the editor would save it: a Webhook node
// starts the run (n8n's production webhook), Split Out turns the posted `items` into n8n items, and
// AutoGPT nodes do the work.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';

import type { Workflow, WorkflowNode } from './n8n-api';

export const AUTOGPT = 'n8n-nodes-autogpt.autoGpt';
export const AUTOGPT_TRIGGER = 'n8n-nodes-autogpt.autoGptTrigger';

export interface CredentialRef {
	id: string;
	name: string;
	/** n8n credential type: autoGptOAuth2Api or autoGptApi. */
	type: 'autoGptOAuth2Api' | 'autoGptApi';
}

export function credentialParameters(credential: CredentialRef): {
	authentication: string;
	credentials: Record<string, { id: string; name: string }>;
} {
	return {
		authentication: credential.type === 'autoGptApi' ? 'apiKey' : 'oAuth2',
		credentials: { [credential.type]: { id: credential.id, name: credential.name } },
	};
}

/** An AutoGPT node; `parameters` are the node's own (resource, operation, …). */
export function autoGptNode(
	name: string,
	credential: CredentialRef,
	parameters: Record<string, unknown>,
	extra: Partial<WorkflowNode> = {},
): WorkflowNode {
	const auth = credentialParameters(credential);
	return {
		id: randomUUID(),
		name,
		type: AUTOGPT,
		typeVersion: 1,
		position: [660, 300],
		parameters: { authentication: auth.authentication, ...parameters },
		credentials: auth.credentials,
		...extra,
	};
}

export function agentLocator(agentId: string): { __rl: true; mode: 'id'; value: string } {
	return { __rl: true, mode: 'id', value: agentId };
}

/** Agent → Execute of `agentId` with each item's `inputs` as the agent's inputs, waiting for it. */
export function executeAgentParameters(
	agentId: string,
	extra: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		resource: 'agent',
		operation: 'execute',
		agent: agentLocator(agentId),
		inputSource: 'json',
		inputsJson: '={{ JSON.stringify($json.inputs) }}',
		waitForCompletion: true,
		...extra,
	};
}

/**
 * Webhook (POST /webhook/<path>, answers at once) → Split Out of `body.items` → the given nodes in a
 * chain. Each posted item becomes one n8n item.
 */
export function webhookWorkflow(name: string, path: string, chain: WorkflowNode[]): Workflow {
	const webhook: WorkflowNode = {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [220, 300],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
	const split: WorkflowNode = {
		id: randomUUID(),
		name: 'Items',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [440, 300],
		parameters: { fieldToSplitOut: 'body.items', options: {} },
	};
	const nodes = [webhook, split, ...chain];
	chain.forEach((node, index) => {
		node.position = [660 + index * 220, 300];
	});
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = {
			main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]],
		};
	}
	return { name, nodes, connections };
}

/** AutoGPT Trigger → No Op, so every delivery that passes leaves an execution to look at. */
export function triggerWorkflow(
	name: string,
	credential: CredentialRef,
	parameters: Record<string, unknown>,
): Workflow {
	const auth = credentialParameters(credential);
	const trigger: WorkflowNode = {
		id: randomUUID(),
		name: 'AutoGPT Trigger',
		type: AUTOGPT_TRIGGER,
		typeVersion: 1,
		position: [220, 300],
		webhookId: randomUUID(),
		parameters: { authentication: auth.authentication, ...parameters },
		credentials: auth.credentials,
	};
	const noOp: WorkflowNode = {
		id: randomUUID(),
		name: 'Received',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [440, 300],
		parameters: {},
	};
	return {
		name,
		nodes: [trigger, noOp],
		connections: { [trigger.name]: { main: [[{ node: noOp.name, type: 'main', index: 0 }]] } },
	};
}

/** The example workflows of the README, which the demo imports with the sandbox's values filled in. */
export const DEMO_WORKFLOWS_DIR = join(__dirname, '..', '..', 'examples');

/**
 * A workflow JSON from examples/ with its placeholders filled: __<FIXTURE>_AGENT_ID__ (a
 * sandbox agent, e.g. __ECHO_AGENT_ID__) and the OAuth2 credential's __OAUTH2_CREDENTIAL_ID__ and
 * __OAUTH2_CREDENTIAL_NAME__.
 */
export function loadWorkflowFile(
	file: string,
	values: { agents: Record<string, string>; oauth2Credential: { id: string; name: string } },
): Workflow {
	let text = readFileSync(join(DEMO_WORKFLOWS_DIR, file), 'utf8');
	for (const [fixture, id] of Object.entries(values.agents)) {
		const token = `__${fixture.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}_AGENT_ID__`;
		text = text.split(token).join(id);
	}
	text = text
		.split('__OAUTH2_CREDENTIAL_ID__')
		.join(values.oauth2Credential.id)
		.split('__OAUTH2_CREDENTIAL_NAME__')
		.join(values.oauth2Credential.name);
	const left = /__[A-Z0-9_]+__/.exec(text);
	if (left) throw new Error(`${file}: no value for the placeholder ${left[0]}`);
	return JSON.parse(text) as Workflow;
}
