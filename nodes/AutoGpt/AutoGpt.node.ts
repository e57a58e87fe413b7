import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operations } from './actions/operations';
import { router } from './actions/router';
import { listSearch, loadOptions } from './methods';
import { authenticationProperty, credentialChoices } from './transport/authentication';

const operationChoices: Record<string, INodeProperties> = {
	agent: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agent'] } },
		options: [
			{
				name: 'Execute',
				value: 'execute',
				description: 'Run an agent, and optionally wait for its outputs',
				action: 'Execute an agent',
			},
		],
		default: 'execute',
	},
	execution: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['execution'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Stop a queued or running execution',
				action: 'Cancel an execution',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status and outputs of an execution',
				action: 'Get an execution',
			},
			{
				name: 'Wait',
				value: 'wait',
				description: 'Wait until an execution ends and return its outputs',
				action: 'Wait for an execution',
			},
		],
		default: 'get',
	},
	grant: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['grant'] } },
		options: [
			{
				name: 'Delete Credential',
				value: 'deleteCredential',
				description: 'Delete the credential behind a grant, revoking every grant on it',
				action: 'Delete the credential of a grant',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a credential grant',
				action: 'Get a grant',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the credential grants of this connection',
				action: 'Get many grants',
			},
		],
		default: 'getAll',
	},
	account: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Capabilities',
				value: 'getCapabilities',
				description: 'Get the grants and scopes this connection may use',
				action: 'Get capabilities',
			},
		],
		default: 'getCapabilities',
	},
	connect: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['connect'] } },
		options: [
			{
				name: 'Create Connect Link',
				value: 'createLink',
				description: 'Build a link an end user opens to connect a provider account and grant access to it',
				action: 'Create a connect link',
			},
		],
		default: 'createLink',
	},
};

export class AutoGpt implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AutoGPT',
		name: 'autoGpt',
		icon: { light: 'file:autogpt.svg', dark: 'file:autogpt.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Run AutoGPT agents and manage credential grants',
		defaults: { name: 'AutoGPT' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialChoices,
		properties: [
			authenticationProperty,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Agent', value: 'agent' },
					{ name: 'Connect', value: 'connect' },
					{ name: 'Execution', value: 'execution' },
					{ name: 'Grant', value: 'grant' },
				],
				default: 'agent',
			},
			...Object.keys(operations).flatMap((resource) => [
				operationChoices[resource],
				...Object.values(operations[resource]).flatMap((operation) => operation.description),
			]),
		],
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
