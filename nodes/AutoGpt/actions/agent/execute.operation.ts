import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import {
	AGENT_ID_PATTERN,
	AGENT_URL_EXTRACT,
	AGENT_URL_PATTERN,
	parseAgentId,
} from '../../helpers/agentId';
import { STORE_AGENT_PATTERN } from '../../helpers/graphRef';
import { parseHttpUrl } from '../../helpers/httpUrl';
import { simplifyExecution } from '../../helpers/simplify';
import { platformRequest, profileOf } from '../../transport';
import { executeAnswer } from '../../transport/schemas';
import { simplifyField, waitOptions } from '../fields';
import { idempotencyKeyOption, readIdempotencyKey } from '../idempotencyKey';
import { inputProperties } from '../inputs';
import type { WaitingRun } from '../types';
import { readWaitSettings, waitForExecution } from '../waiting';
import { agentVersionField, executeGraph, refuseStoreAgent } from './graph';
import { callbackWaitOf, waitModeProperty } from './webhookWait';

const properties: INodeProperties[] = [
	{
		displayName: 'Agent',
		name: 'agent',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'id', value: '' },
		description: 'The agent to run',
		modes: [
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 5f3c9a1e-…',
				validation: [
					{
						type: 'regex',
						properties: { regex: AGENT_ID_PATTERN, errorMessage: 'Not a valid agent ID' },
					},
				],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://platform.agpt.co/build?flowID=5f3c9a1e-…',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: AGENT_URL_PATTERN,
							errorMessage: 'Paste the builder URL of the agent: it ends in ?flowID=…',
						},
					},
				],
				extractValue: { type: 'regex', regex: AGENT_URL_EXTRACT },
			},
			{
				displayName: 'By Store Agent',
				name: 'store',
				type: 'string',
				placeholder: 'e.g. creator/agent-name',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: STORE_AGENT_PATTERN,
							errorMessage:
								'Write the store agent as creator/agent-name, or paste its store address',
						},
					},
				],
			},
		],
	},
	agentVersionField,
	...inputProperties({
		name: 'Name of the agent input, as shown in the AutoGPT builder',
		json: 'An object mapping each agent input name to its value',
	}),
	{
		displayName: 'Grant Names or IDs',
		name: 'grantIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getGrants' },
		default: [],
		description:
			'Credential grants the agent may use. Leave empty to allow all valid grants of this connection. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/…',
		description:
			"Where AutoGPT sends this execution's events, e.g. the URL of an AutoGPT Trigger in Manual registration. Needs the OAuth2 credential, and a host among the OAuth client's webhook domains.",
		displayOptions: { hide: { waitMode: ['webhook'] } },
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the agent finishes and return its outputs, instead of returning at once with the execution ID',
	},
	{
		...waitModeProperty,
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		...simplifyField,
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...waitOptions.map((option) => ({
				...option,
				displayOptions: {
					show: { '/waitForCompletion': [true] },
					// No status checks in Wait Mode "Webhook": AutoGPT calls back.
					...(option.name === 'pollInterval' ? { hide: { '/waitMode': ['webhook'] } } : {}),
				},
			})),
			idempotencyKeyOption,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['execute'] } },
	properties,
);

export function readInputs(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const source = this.getNodeParameter('inputSource', itemIndex) as string;
	if (source === 'fields') {
		const fields = this.getNodeParameter('inputFields.input', itemIndex, []) as Array<{
			name: string;
			value: unknown;
		}>;
		const inputs: IDataObject = {};
		for (const field of fields) {
			if (!field.name) {
				throw new NodeOperationError(
					this.getNode(),
					'An input under Inputs has no name: give every input the name the agent uses for it in AutoGPT',
					{
						itemIndex,
						description: 'Give every input under Inputs the name the agent uses for it in AutoGPT.',
					},
				);
			}
			inputs[field.name] = field.value as IDataObject;
		}
		return inputs;
	}
	const raw = this.getNodeParameter('inputsJson', itemIndex, '{}') as unknown;
	let inputs: unknown = raw;
	if (typeof raw === 'string') {
		try {
			inputs = raw.trim() === '' ? {} : JSON.parse(raw);
		} catch (error) {
			throw new NodeOperationError(
				this.getNode(),
				`Inputs (JSON) is not valid JSON (${(error as Error).message}): write the inputs as a JSON object, e.g. {"topic": "n8n"}`,
				{
					itemIndex,
					description: 'Write the inputs as a JSON object, e.g. {"topic": "n8n"}.',
				},
			);
		}
	}
	if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
		throw new NodeOperationError(
			this.getNode(),
			`Inputs (JSON) must be a JSON object, not ${Array.isArray(inputs) ? 'a list' : inputs === null ? 'null' : `a ${typeof inputs}`}: write an object that maps each input name of the agent to its value, e.g. {"topic": "n8n"}`,
			{
				itemIndex,
				description:
					'Write the inputs as a JSON object that maps input names to values, e.g. {"topic": "n8n"}.',
			},
		);
	}
	return inputs as IDataObject;
}

function readGrantIds(this: IExecuteFunctions, itemIndex: number): string[] | undefined {
	const value = this.getNodeParameter('grantIds', itemIndex, []) as string[] | string;
	const ids = (Array.isArray(value) ? value : String(value).split(','))
		.map((id) => String(id).trim())
		.filter((id) => id !== '');
	return ids.length ? ids : undefined;
}

function readWebhookUrl(this: IExecuteFunctions, itemIndex: number): string | undefined {
	const value = (this.getNodeParameter('webhookUrl', itemIndex, '') as string).trim();
	if (!value) return undefined;
	if (!parseHttpUrl(value)) {
		throw new NodeOperationError(
			this.getNode(),
			`Webhook URL "${value}" is not a valid http(s) URL: use the full address, e.g. the Production URL of an AutoGPT Trigger`,
			{
				itemIndex,
				description: 'Use the full address, e.g. the Production URL of an AutoGPT Trigger.',
			},
		);
	}
	return value;
}

/** Waits for the execution it starts: it shares the run's read budget with the other items. */
export const waits = true;

export async function execute(this: IExecuteFunctions, itemIndex: number, run: WaitingRun) {
	if ((await profileOf(this)) === 'liveV1') {
		return await executeGraph.call(this, itemIndex, run, readInputs.call(this, itemIndex));
	}
	refuseStoreAgent(this, itemIndex);
	const agentValue = this.getNodeParameter('agent', itemIndex, '', {
		extractValue: true,
	}) as string;
	const agent = parseAgentId(String(agentValue ?? ''));
	if (!agent.ok) {
		throw new NodeOperationError(this.getNode(), agent.reason, {
			itemIndex,
			description: agent.reason,
		});
	}
	const body: IDataObject = { inputs: readInputs.call(this, itemIndex) };
	const grantIds = readGrantIds.call(this, itemIndex);
	if (grantIds) body.grant_ids = grantIds;
	const webhookUrl = readWebhookUrl.call(this, itemIndex);
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const waitSettings = wait ? readWaitSettings(this, itemIndex) : undefined;
	// Wait Mode "Webhook": AutoGPT calls this execution's resume URL back (webhookWait.ts).
	const callback = waitSettings ? callbackWaitOf(this) : undefined;
	if (callback) body.webhook_url = callback.url;
	else if (webhookUrl) body.webhook_url = webhookUrl;

	const started = await platformRequest.call(this, executeAnswer, {
		method: 'POST',
		path: `/executions/agents/${encodeURIComponent(agent.agentId)}/execute`,
		action: `Could not start agent ${agent.agentId}`,
		body,
		itemIndex,
		idempotent: false,
		hints: {
			404: `AutoGPT knows no agent ${agent.agentId} for this account: check the agent ID (copy it from the agent's builder URL, ?flowID=<id>).`,
			...callback?.hints,
		},
		idempotencyKey: readIdempotencyKey(this, itemIndex),
	});
	if (!waitSettings) return { ...started, agent_id: agent.agentId };
	if (callback) {
		const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
		callback.await(itemIndex, started.execution_id, agent.agentId, waitSettings, simplify);
		return { ...started, agent_id: agent.agentId };
	}

	const record = await waitForExecution.call(
		this,
		started.execution_id,
		itemIndex,
		waitSettings,
		run,
		agent.agentId,
	);
	return this.getNodeParameter('simplify', itemIndex, true) ? simplifyExecution(record) : record;
}
