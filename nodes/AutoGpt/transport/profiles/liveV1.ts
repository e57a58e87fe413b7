// Today's AutoGPT External API v1 (contract §10): its paths, the permission each one needs, the
// shapes of its answers, and how an execution's results become the record the other profile
// returns (`outputs` as name → values, `error` when it failed).
import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { PlatformContext } from '../index';
import { platformRequest } from '../index';

/** The permissions of an API key of today's platform that this package's requests need. */
export type Permission =
	| 'IDENTITY'
	| 'EXECUTE_GRAPH'
	| 'READ_GRAPH'
	| 'EXECUTE_BLOCK'
	| 'READ_BLOCK'
	| 'READ_INTEGRATIONS'
	| 'DELETE_INTEGRATIONS';

const userInfo = z
	.object({
		id: z.string(),
		name: z.string().nullable(),
		email: z.string(),
		timezone: z.string(),
	})
	.passthrough();

const blockInfo = z
	.object({ id: z.string().min(1), name: z.string(), description: z.string().optional() })
	.passthrough();

const blockOutput = z.record(z.array(z.unknown()));

const graphExecutionStarted = z.object({ id: z.string().min(1) }).passthrough();

const executionNode = z
	.object({ node_id: z.string(), input: z.unknown(), output: z.record(z.unknown()) })
	.passthrough();

const graphExecutionResult = z
	.object({
		execution_id: z.string().min(1),
		status: z.string(),
		nodes: z.array(executionNode),
		output: z.array(z.record(z.unknown())).nullable(),
	})
	.passthrough();

const storeAgent = z
	.object({ slug: z.string(), agent_name: z.string(), creator: z.string() })
	.passthrough();

const storeAgentsPage = z
	.object({
		agents: z.array(storeAgent),
		pagination: z
			.object({ total_pages: z.number(), current_page: z.number(), page_size: z.number() })
			.passthrough(),
	})
	.passthrough();

const storeAgentDetails = z
	.object({
		slug: z.string(),
		agent_name: z.string(),
		creator: z.string(),
		graph_id: z.string().min(1),
		graph_versions: z.array(z.string()),
	})
	.passthrough();

const integrationCredential = z
	.object({ id: z.string().min(1), provider: z.string(), type: z.string() })
	.passthrough();

const deletedCredential = z
	.object({ deleted: z.boolean(), credentials_id: z.string() })
	.passthrough();

export type GraphExecutionResult = z.infer<typeof graphExecutionResult>;
export type StoreAgentDetails = z.infer<typeof storeAgentDetails>;
export type BlockInfo = z.infer<typeof blockInfo>;
export type IntegrationCredential = z.infer<typeof integrationCredential>;

const NO_CREDITS =
	'Your AutoGPT account has no credits left for this. Top up in AutoGPT (Settings → Billing), then run it again.';

/** What to do about 401, 402 and 403 on a request that needs `permission`. */
export function permissionHints(permission?: Permission): Record<number, string> {
	return {
		401: 'AutoGPT did not accept the API key. Check the API Key of the credential, or create a new key in AutoGPT under Settings → API Keys.',
		402: NO_CREDITS,
		403: permission
			? `The API key lacks the ${permission} permission. Create a key that has it in AutoGPT (Settings → API Keys) and put it into the credential.`
			: 'AutoGPT refused this request for the API key. Check the API Key of the credential, or create a new key in AutoGPT under Settings → API Keys.',
	};
}

const segment = (value: string | number) => encodeURIComponent(String(value));

export async function getAccount(this: PlatformContext, itemIndex?: number) {
	return await platformRequest.call(this, userInfo, {
		method: 'GET',
		path: '/v1/me',
		action: 'Could not get the account of this API key',
		itemIndex,
		hints: permissionHints('IDENTITY'),
	});
}

export async function listBlocks(this: PlatformContext, itemIndex?: number): Promise<BlockInfo[]> {
	return await platformRequest.call(this, z.array(blockInfo), {
		method: 'GET',
		path: '/v1/blocks',
		action: 'Could not list the blocks',
		itemIndex,
		hints: permissionHints('READ_BLOCK'),
	});
}

/** Runs one block and answers with its outputs; charged, and never sent twice. */
export async function executeBlock(
	this: PlatformContext,
	blockId: string,
	input: IDataObject,
	itemIndex: number,
) {
	return await platformRequest.call(this, blockOutput, {
		method: 'POST',
		path: `/v1/blocks/${segment(blockId)}/execute`,
		action: `Could not run block ${blockId}`,
		body: input,
		itemIndex,
		idempotent: false,
		budget: 'execute',
		hints: {
			...permissionHints('EXECUTE_BLOCK'),
			404: 'Check the block: AutoGPT has no block with this ID (Block → Get Many lists them).',
			400: "Check the block's inputs against its input schema (Block → Get Many with Simplify off shows it).",
		},
	});
}

export async function startGraph(
	this: PlatformContext,
	graphId: string,
	version: number,
	inputs: IDataObject,
	itemIndex: number,
) {
	return await platformRequest.call(this, graphExecutionStarted, {
		method: 'POST',
		path: `/v1/graphs/${segment(graphId)}/execute/${segment(version)}`,
		action: `Could not start agent ${graphId} version ${version}`,
		body: { node_input: inputs },
		itemIndex,
		idempotent: false,
		budget: 'execute',
		hints: {
			...permissionHints('EXECUTE_GRAPH'),
			400: 'Check the agent ID and Agent Version: AutoGPT has no such version of this agent in your account, or refused the inputs. The builder URL of the agent shows both (flowID=…&flowVersion=…).',
		},
	});
}

export async function getGraphResults(
	this: PlatformContext,
	graphId: string,
	executionId: string,
	itemIndex?: number,
) {
	return await platformRequest.call(this, graphExecutionResult, {
		method: 'GET',
		path: `/v1/graphs/${segment(graphId)}/executions/${segment(executionId)}/results`,
		action: `Could not get execution ${executionId}`,
		itemIndex,
		hints: {
			...permissionHints('READ_GRAPH'),
			404: 'Check the Execution ID and Agent ID: AutoGPT finds no such execution for this API key.',
		},
	});
}

export interface StoreQuery {
	search_query?: string;
	creator?: string;
	category?: string;
	sorted_by?: string;
	featured?: boolean;
}

export async function searchStorePage(
	this: PlatformContext,
	query: StoreQuery,
	page: number,
	pageSize: number,
	itemIndex?: number,
) {
	const parameters = new URLSearchParams();
	for (const [name, value] of Object.entries(query)) {
		if (value !== undefined && value !== '' && value !== false) parameters.set(name, String(value));
	}
	parameters.set('page', String(page));
	parameters.set('page_size', String(pageSize));
	return await platformRequest.call(this, storeAgentsPage, {
		method: 'GET',
		path: `/v1/store/agents?${parameters.toString()}`,
		action: 'Could not search the AutoGPT store',
		itemIndex,
		hints: permissionHints(),
	});
}

export async function getStoreAgent(
	this: PlatformContext,
	creator: string,
	agentName: string,
	itemIndex?: number,
): Promise<StoreAgentDetails> {
	return await platformRequest.call(this, storeAgentDetails, {
		method: 'GET',
		path: `/v1/store/agents/${segment(creator)}/${segment(agentName)}`,
		action: `Could not get store agent ${creator}/${agentName}`,
		itemIndex,
		hints: {
			...permissionHints(),
			404: 'Check the store agent: it is written creator/agent-name, as in its store address (…/marketplace/agent/creator/agent-name).',
		},
	});
}

export async function listIntegrationCredentials(
	this: PlatformContext,
	provider: string | undefined,
	itemIndex?: number,
): Promise<IntegrationCredential[]> {
	return await platformRequest.call(this, z.array(integrationCredential), {
		method: 'GET',
		path: provider
			? `/v1/integrations/${segment(provider)}/credentials`
			: '/v1/integrations/credentials',
		action: 'Could not list the integration credentials',
		itemIndex,
		hints: permissionHints('READ_INTEGRATIONS'),
	});
}

export async function deleteIntegrationCredential(
	this: PlatformContext,
	provider: string,
	credentialId: string,
	itemIndex: number,
) {
	return await platformRequest.call(this, deletedCredential, {
		method: 'DELETE',
		path: `/v1/integrations/${segment(provider)}/credentials/${segment(credentialId)}`,
		action: `Could not delete integration credential ${credentialId}`,
		itemIndex,
		hints: {
			...permissionHints('DELETE_INTEGRATIONS'),
			404: 'Check the credential: AutoGPT has no such credential for this provider (Integration Credential → Get Many lists them).',
		},
	});
}

/** A block that reported an error during a run: its node and its words. */
export interface BlockError {
	node_id: string;
	error: string;
}

/**
 * The execution record of the other profile, from v1's results: `output: [{name: value}]` grouped
 * into `outputs: {name: [values]}` (present once COMPLETED), block errors (v1 has no error field:
 * blocks report them as an `error` output) as `block_errors`, and joined into `error` when the run
 * FAILED. A COMPLETED run can still carry block errors.
 */
export function executionRecordOf(result: GraphExecutionResult) {
	const blockErrors: BlockError[] = result.nodes.flatMap((node) => {
		const errors = node.output.error;
		const list = Array.isArray(errors) ? errors : errors === undefined ? [] : [errors];
		return list.map((error) => ({
			node_id: node.node_id,
			error: typeof error === 'string' ? error : JSON.stringify(error),
		}));
	});
	let outputs: Record<string, unknown[]> | null = null;
	if (result.output !== null) {
		outputs = {};
		for (const entry of result.output) {
			for (const [name, value] of Object.entries(entry)) (outputs[name] ??= []).push(value);
		}
	}
	const failed = result.status.toUpperCase() === 'FAILED';
	return {
		execution_id: result.execution_id,
		status: result.status,
		outputs,
		error: failed && blockErrors.length ? blockErrors.map((entry) => entry.error).join('; ') : null,
		...(blockErrors.length ? { block_errors: blockErrors } : {}),
		nodes: result.nodes,
	};
}
