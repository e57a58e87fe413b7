// Agent → Execute on today's AutoGPT platform (platform.agpt.co): an agent runs as a graph ID and
// a version, given by ID and Agent Version, by builder URL, or as a store agent whose listing names
// the graph and its versions. Waiting polls the execution's results with the same schedule and
// rate budget as the other profile, and returns the same record.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	NodeParameterValueType,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseAgentId } from '../../helpers/agentId';
import {
	builderUrlVersion,
	parseStoreAgent,
	parseVersion,
	pickStoreVersion,
} from '../../helpers/graphRef';
import { simplifyExecution } from '../../helpers/simplify';
import { getStoreAgent, startGraph } from '../../transport/profiles/liveV1';
import type { WaitingRun } from '../types';
import { readWaitSettings, waitForExecution } from '../waiting';

export const agentVersionField: INodeProperties = {
	displayName: 'Agent Version',
	name: 'agentVersion',
	type: 'string',
	default: '',
	placeholder: 'e.g. 3',
	description:
		"Which version of the agent to run on today's AutoGPT platform (platform.agpt.co): the number after flowVersion= in its builder URL. Leave empty to take it from a pasted builder URL, or to run a store agent's latest version. Other platforms ignore it.",
};

interface Graph {
	graphId: string;
	version: number;
}

function refuse(
	context: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
) {
	return new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

function readLocator(context: IExecuteFunctions, itemIndex: number) {
	const raw = context.getNodeParameter('agent', itemIndex, '', { extractValue: false }) as
		| { mode?: string; value?: NodeParameterValueType }
		| string;
	return typeof raw === 'object' && raw !== null
		? { mode: raw.mode ?? 'id', value: String(raw.value ?? '').trim() }
		: { mode: 'id', value: String(raw ?? '').trim() };
}

async function resolveGraph(this: IExecuteFunctions, itemIndex: number): Promise<Graph> {
	const { mode, value } = readLocator(this, itemIndex);
	const wanted = parseVersion(this.getNodeParameter('agentVersion', itemIndex, ''));
	if (wanted.kind === 'invalid') {
		throw refuse(
			this,
			itemIndex,
			`Agent Version "${wanted.text}" is not a version`,
			"Enter the agent's version number (the number after flowVersion= in its builder URL), or leave it empty for a store agent's latest version.",
		);
	}
	if (mode === 'store') {
		const ref = parseStoreAgent(value);
		if (!ref.ok) throw refuse(this, itemIndex, 'The store agent is not valid', ref.reason);
		const listing = await getStoreAgent.call(this, ref.creator, ref.agentName, itemIndex);
		const picked = pickStoreVersion(listing.graph_versions, wanted);
		if (!picked.ok) {
			throw refuse(
				this,
				itemIndex,
				`Store agent ${ref.creator}/${ref.agentName} has no such version`,
				picked.reason,
			);
		}
		return { graphId: listing.graph_id, version: picked.version };
	}
	const agent = parseAgentId(value);
	if (!agent.ok) throw refuse(this, itemIndex, 'The agent is not valid', agent.reason);
	if (wanted.kind === 'number') return { graphId: agent.agentId, version: wanted.version };
	if (wanted.kind === 'latest') {
		throw refuse(
			this,
			itemIndex,
			'Agent Version "latest" works for store agents only',
			"Today's AutoGPT platform tells the latest version of a store agent, not of an agent in your library. Enter the version number (the number after flowVersion= in the agent's builder URL), or pick the agent By Store Agent.",
		);
	}
	const fromUrl = /^https?:\/\//i.test(value) ? builderUrlVersion(value) : undefined;
	if (fromUrl !== undefined) return { graphId: agent.agentId, version: fromUrl };
	throw refuse(
		this,
		itemIndex,
		'Agent Version is empty',
		"Today's AutoGPT platform runs one version of an agent: enter it in Agent Version (the number after flowVersion= in the agent's builder URL), or paste the whole builder URL into Agent.",
	);
}

/** Grants and per-execution webhooks belong to the other platform: say so rather than drop them. */
function refuseOtherPlatformFields(context: IExecuteFunctions, itemIndex: number): void {
	const grants = context.getNodeParameter('grantIds', itemIndex, []) as string[] | string;
	if ((Array.isArray(grants) ? grants.length : String(grants).trim().length) > 0) {
		throw refuse(
			context,
			itemIndex,
			"Grant Names or IDs must be empty on today's AutoGPT platform",
			"Today's platform has no credential grants: an agent runs with the accounts connected to your AutoGPT account. Clear Grant Names or IDs.",
		);
	}
	if (String(context.getNodeParameter('webhookUrl', itemIndex, '')).trim() !== '') {
		throw refuse(
			context,
			itemIndex,
			"Webhook URL must be empty on today's AutoGPT platform",
			"Today's platform sends no events. Keep Wait for Completion on to get the outputs here, or end the agent with a Send Web Request block pointed at the URL of an n8n Webhook node. Clear Webhook URL.",
		);
	}
}

/** The other platform runs agents by ID only: a store agent there is a clear error. */
export function refuseStoreAgent(context: IExecuteFunctions, itemIndex: number): void {
	if (readLocator(context, itemIndex).mode !== 'store') return;
	throw refuse(
		context,
		itemIndex,
		"Store agents run on today's AutoGPT platform only",
		'This credential points at a platform with OAuth apps, which runs agents by ID. Pick the agent By ID or By URL, or use an AutoGPT API credential of platform.agpt.co.',
	);
}

export async function executeGraph(
	this: IExecuteFunctions,
	itemIndex: number,
	run: WaitingRun,
	inputs: IDataObject,
) {
	refuseOtherPlatformFields(this, itemIndex);
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const waitSettings = wait ? readWaitSettings(this, itemIndex) : undefined;
	const { graphId, version } = await resolveGraph.call(this, itemIndex);

	const started = await startGraph.call(this, graphId, version, inputs, itemIndex);
	if (!waitSettings) {
		return {
			execution_id: started.id,
			status: 'queued',
			agent_id: graphId,
			agent_version: version,
		};
	}
	const record = await waitForExecution.call(
		this,
		started.id,
		itemIndex,
		waitSettings,
		run,
		graphId,
	);
	const shaped = this.getNodeParameter('simplify', itemIndex, true)
		? simplifyExecution(record)
		: record;
	return { ...shaped, agent_version: version };
}
