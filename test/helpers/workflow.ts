// Runs a workflow JSON with our nodes through n8n-core's real WorkflowExecute, so parameters,
// expressions, pairedItem and Continue On Fail behave as they do in n8n. Credentials come from a
// small credentials helper that completes what a user entered from our credential classes (hidden
// fields, defaults, expressions) the way n8n's own credentials helper does, so a change to a
// credential definition shows in these tests.
/* eslint-disable @n8n/community-nodes/node-usable-as-tool */
import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ILoadOptionsFunctions,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	INodeTypeDescription,
	IRun,
	IRunExecutionData,
	INodeParameters,
	INodeProperties,
	IVersionedNodeType,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	INode,
	IConnections,
} from 'n8n-workflow';
import {
	ICredentialsHelper,
	isExpression,
	NodeConnectionTypes,
	NodeHelpers,
	setSafeRegexEngine,
	Workflow,
} from 'n8n-workflow';

import { AutoGptApi } from '../../credentials/AutoGptApi.credentials';
import { AutoGptOAuth2Api } from '../../credentials/AutoGptOAuth2Api.credentials';
import { AutoGpt } from '../../nodes/AutoGpt/AutoGpt.node';

// n8n-workflow runs each regular expression of its parameter checks in a vm with a 250 ms
// wall-clock limit. On a 2-core machine busy with other work that limit fired on the agent ID's
// plain pattern ("Regular expression execution timed out", before the node ran). These tests check
// the node, not that guard, so the patterns run natively here, as n8n-workflow does outside Node.
setSafeRegexEngine({
	exec: (pattern, input, flags) => new RegExp(pattern, flags).exec(input),
	test: (pattern, input, flags) => new RegExp(pattern, flags).test(input),
	replace: (pattern, input, flags, replacement) =>
		input.replace(new RegExp(pattern, flags), replacement),
	matchAll: (pattern, input, flags = '') => [
		...input.matchAll(new RegExp(pattern, flags.includes('g') ? flags : `${flags}g`)),
	],
	split: (pattern, input, flags) => input.split(new RegExp(pattern, flags)),
});

/** Emits the items given in its `items` parameter: the start of every test workflow. */
class TestItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Items',
		name: 'testItems',
		group: ['input'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = typeof raw === 'string' ? (JSON.parse(raw) as IDataObject[]) : raw;
		return [items.map((json) => ({ json, pairedItem: { item: 0 } }))];
	}
}

/** The type n8n derives from a node with `usableAsTool`: the same code under the name `…Tool`. */
export class AutoGptTool extends AutoGpt {
	constructor() {
		super();
		this.description = {
			...this.description,
			name: 'autoGptTool',
			displayName: 'AutoGPT Tool',
		};
	}
}

const nodeTypeClasses: Record<string, new () => INodeType> = {
	'n8n-nodes-autogpt.autoGpt': AutoGpt,
	'n8n-nodes-autogpt.autoGptTool': AutoGptTool,
	'test.items': TestItems,
};

/** The node types of one run, each built once for it, as n8n loads them. */
class TestNodeTypes implements INodeTypes {
	private readonly built = new Map<string, INodeType>();

	getByName(type: string): INodeType | IVersionedNodeType {
		return this.getByNameAndVersion(type);
	}

	getByNameAndVersion(type: string): INodeType {
		let nodeType = this.built.get(type);
		if (!nodeType) {
			const NodeType = nodeTypeClasses[type];
			if (!NodeType) throw new Error(`Unknown node type ${type}`);
			nodeType = new NodeType();
			this.built.set(type, nodeType);
		}
		return nodeType;
	}

	getKnownTypes() {
		return {};
	}
}

/**
 * n8n's own oAuth2Api fields that AutoGptOAuth2Api extends, with n8n-nodes-base's defaults: what
 * n8n would use for any field our class did not set (Authorization Code, client credentials in an
 * HTTP Basic header).
 */
const OAUTH2_API_PROPERTIES: INodeProperties[] = [
	{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
	{ displayName: 'Authorization URL', name: 'authUrl', type: 'string', default: '' },
	{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'string', default: '' },
	{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
	{ displayName: 'Client Secret', name: 'clientSecret', type: 'string', default: '' },
	{ displayName: 'Scope', name: 'scope', type: 'string', default: '' },
	{
		displayName: 'Auth URI Query Parameters',
		name: 'authQueryParameters',
		type: 'string',
		default: '',
	},
	{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'header' },
];

/** Our credential classes, built afresh for each use, as n8n's credential types are looked up. */
export function credentialType(name: string): ICredentialType {
	if (name === 'autoGptApi') return new AutoGptApi();
	if (name === 'autoGptOAuth2Api') return new AutoGptOAuth2Api();
	throw new Error(`Unknown credential type ${name}`);
}

/** A credential type's fields with those of the types it extends, as n8n's credentials helper merges them. */
export function credentialProperties(name: string): INodeProperties[] {
	const type = credentialType(name);
	const properties: INodeProperties[] = [];
	if (type.extends?.includes('oAuth2Api'))
		NodeHelpers.mergeNodeProperties(properties, OAUTH2_API_PROPERTIES);
	NodeHelpers.mergeNodeProperties(properties, type.properties);
	return properties;
}

const CREDENTIAL_NODE: INode = {
	id: 'credential',
	name: 'Credential',
	type: 'test.items',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function expressionWorkflow(): Workflow {
	return new Workflow({
		nodes: [CREDENTIAL_NODE],
		connections: {},
		active: false,
		nodeTypes: new TestNodeTypes(),
	});
}

/**
 * What the user entered, completed the way n8n's credentials helper does before a node gets it
 * (applyDefaultsAndOverwrites): every field of the credential class at its default unless entered,
 * hidden ones included, then expressions resolved with `$self` as the credential itself.
 */
export function resolveCredential(
	name: string,
	entered: ICredentialDataDecryptedObject,
): ICredentialDataDecryptedObject {
	const withDefaults = NodeHelpers.getNodeParameters(
		credentialProperties(name),
		entered as INodeParameters,
		true,
		false,
		null,
		null,
	) as ICredentialDataDecryptedObject;
	if (entered.oauthTokenData !== undefined) withDefaults.oauthTokenData = entered.oauthTokenData;
	return expressionWorkflow().expression.getComplexParameterValue(
		CREDENTIAL_NODE,
		withDefaults as INodeParameters,
		'internal',
		{},
		undefined,
		undefined,
		withDefaults,
	) as ICredentialDataDecryptedObject;
}

/** An expression of a credential definition resolved with `$credentials`, as n8n resolves them. */
export function resolveWithCredentials(
	value: string,
	credentials: ICredentialDataDecryptedObject,
): string {
	if (!isExpression(value)) return value;
	const resolved = expressionWorkflow().expression.getSimpleParameterValue(
		CREDENTIAL_NODE,
		value,
		'internal',
		{ $credentials: credentials } as IWorkflowDataProxyAdditionalKeys,
		undefined,
		'',
	);
	return resolved ? String(resolved) : '';
}

export class TestCredentialsHelper extends ICredentialsHelper {
	/** Token data written back by n8n after an OAuth2 refresh, per credential type. */
	updates: Array<{ type: string; data: ICredentialDataDecryptedObject }> = [];

	/** `credentials`: per credential type, what the user entered (and the OAuth2 token data). */
	constructor(public credentials: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(name: string): string[] {
		return credentialType(name).extends ?? [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	/** The credential type's `authenticate` applied as n8n's credentials helper applies a generic one. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	) {
		const { authenticate } = credentialType(typeName);
		if (!authenticate || typeof authenticate === 'function') return requestOptions;
		const options = { ...requestOptions } as IHttpRequestOptions & Record<string, unknown>;
		for (const [where, values] of Object.entries(authenticate.properties)) {
			const target = { ...((options[where] as Record<string, unknown> | undefined) ?? {}) };
			for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
				target[resolveWithCredentials(key, credentials)] = resolveWithCredentials(
					String(value),
					credentials,
				);
			}
			options[where] = target;
		}
		return options;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	) {
		return resolveCredential(type, this.credentials[type] ?? {});
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: unknown,
		type: string,
		data: ICredentialDataDecryptedObject,
	) {
		this.updates.push({ type, data });
		this.credentials[type] = { ...this.credentials[type], oauthTokenData: data.oauthTokenData };
	}

	getCredentialsProperties(type: string) {
		return credentialProperties(type);
	}
}

/** What a user enters in the AutoGPT API credential. */
export function apiKeyCredentials(
	apiKey: string,
	platformUrl: string,
	apiUrl = '',
): ICredentialDataDecryptedObject {
	return { apiKey, platformUrl, apiUrl };
}

/**
 * What a user enters in the AutoGPT OAuth2 API credential, and the token n8n keeps after Connect.
 * Everything else (grant type, token URL, client authentication, scope) comes from the class.
 */
export function oauthCredentials(options: {
	platformUrl: string;
	apiUrl?: string;
	clientId: string;
	clientSecret: string;
	accessToken: string;
	refreshToken?: string;
	webhookSecret?: string;
}): ICredentialDataDecryptedObject {
	return {
		platformUrl: options.platformUrl,
		apiUrl: options.apiUrl ?? '',
		clientId: options.clientId,
		clientSecret: options.clientSecret,
		webhookSecret: options.webhookSecret ?? '',
		oauthTokenData: {
			access_token: options.accessToken,
			refresh_token: options.refreshToken ?? 'refresh-token',
			token_type: 'Bearer',
		} as unknown as IDataObject,
	};
}

export interface RunResult {
	run: IRun;
	/** What the run was made of, to resume it (Wait Mode "Webhook"). */
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
	/** Output items of the AutoGPT node (first run, first output). */
	items: INodeExecutionData[];
	/** The node's error when the run failed. */
	error?: {
		message: string;
		description?: string | null;
		context?: IDataObject;
		httpCode?: string | null;
	};
	/** How the AutoGPT node's own execute ended (after a cancel, later than the run). */
	nodeSettled: Promise<{ error?: Error }>;
}

let executionCount = 0;

/** The AutoGPT node with `parameters`, naming the credential its Authentication picks. */
function autoGptNode(parameters: IDataObject = {}, type = 'n8n-nodes-autogpt.autoGpt'): INode {
	const authentication = (parameters.authentication as string | undefined) ?? 'apiKey';
	const credentialType = authentication === 'apiKey' ? 'autoGptApi' : 'autoGptOAuth2Api';
	return {
		id: 'autogpt',
		name: 'AutoGPT',
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters: { authentication, ...parameters } as INodeParameters,
		credentials: { [credentialType]: { id: 'cred-1', name: 'AutoGPT account' } },
	};
}

/**
 * Runs Items → AutoGPT. `parameters` are the AutoGPT node's parameters; `inputItems` the items
 * it receives; `authentication` picks the credential. Each run is a new n8n execution (its own
 * execution ID, as in n8n) unless `executionId` names one; `node` adds node settings such as
 * `retryOnFail`.
 */
export async function runAutoGpt(options: {
	parameters: IDataObject;
	inputItems?: IDataObject[];
	credentials: TestCredentialsHelper;
	continueOnFail?: boolean;
	/** Run it as n8n runs it for an AI Agent: the derived tool type, the input item the tool call. */
	asTool?: boolean;
	executionId?: string;
	node?: Partial<INode>;
	/** Cancels the run, as n8n's Stop button does, when this settles. */
	cancelWhen?: Promise<unknown>;
	/** Runs of the AutoGPT node earlier in this execution (a loop): this run's `$runIndex`. */
	earlierRuns?: number;
}): Promise<RunResult> {
	const executionId = options.executionId ?? `test-${++executionCount}`;
	const nodes: INode[] = [
		{
			id: 'items',
			name: 'Items',
			type: 'test.items',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.inputItems ?? [{}]) },
		},
		{
			...autoGptNode(
				options.parameters,
				options.asTool ? 'n8n-nodes-autogpt.autoGptTool' : 'n8n-nodes-autogpt.autoGpt',
			),
			position: [200, 0],
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			...options.node,
		},
	];
	const connections: IConnections = {
		Items: { main: [[{ node: 'AutoGPT', type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const nodeTypes = new TestNodeTypes();
	const autoGpt = nodeTypes.getByNameAndVersion(nodes[1].type);
	const execute = autoGpt.execute!;
	let settled: (outcome: { error?: Error }) => void = () => {};
	const nodeSettled = new Promise<{ error?: Error }>((resolve) => (settled = resolve));
	autoGpt.execute = function (this: IExecuteFunctions) {
		const run = execute.call(this);
		run.then(
			() => settled({}),
			(error: Error) => settled({ error }),
		);
		return run;
	};
	const workflow = new Workflow({
		id: 'test',
		nodes,
		connections,
		nodeTypes,
		active: false,
		settings: { executionOrder: 'v1' },
	});
	const additionalData = {
		credentialsHelper: options.credentials,
		currentNodeParameters: undefined,
		executionId,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		variables: {},
		userId: 'user',
		setExecutionStatus: () => {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	const runExecutionData: IRunExecutionData = {
		startData: {},
		resultData: {
			runData: options.earlierRuns
				? {
						AutoGPT: Array.from({ length: options.earlierRuns }, () => ({
							startTime: 0,
							executionTime: 0,
							source: [],
							data: { main: [[{ json: {} }]] },
						})),
					}
				: {},
		},
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
		},
	} as unknown as IRunExecutionData;
	return await continueRun(workflow, additionalData, runExecutionData, {
		cancelWhen: options.cancelWhen,
		nodeSettled,
	});
}

/**
 * Runs (or resumes) `runExecutionData` to its end, or to the point where it waits; `cancelWhen`
 * cancels it as n8n's Stop button does.
 */
export async function continueRun(
	workflow: Workflow,
	additionalData: IWorkflowExecuteAdditionalData,
	runExecutionData: IRunExecutionData,
	options: { cancelWhen?: Promise<unknown>; nodeSettled?: RunResult['nodeSettled'] } = {},
): Promise<RunResult> {
	const hooks = new ExecutionLifecycleHooks('manual', String(additionalData.executionId), {
		id: 'test',
		name: 'test',
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		active: false,
		settings: {},
	} as never);
	let resolveRun: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));
	additionalData.hooks = hooks;
	const processing = new WorkflowExecute(
		additionalData,
		'manual',
		runExecutionData,
	).processRunExecutionData(workflow);
	void options.cancelWhen?.then(() => processing.cancel());
	await processing;
	const run = await finished;
	const nodeRun = run.data.resultData.runData.AutoGPT?.[0];
	const error = (nodeRun?.error ?? run.data.resultData.error) as RunResult['error'];
	return {
		run,
		workflow,
		additionalData,
		items: nodeRun?.data?.main?.[0] ?? [],
		error: error ?? undefined,
		// A resumed run does not call the node's execute again.
		nodeSettled: options.nodeSettled ?? Promise.resolve({}),
	};
}

/**
 * The context n8n hands a node's list search and load options while a user edits its parameters
 * (n8n-core's LoadOptionsContext): the credential the node names, the parameters as they stand.
 */
export function loadOptionsContext(options: {
	credentials: TestCredentialsHelper;
	parameters?: IDataObject;
}): ILoadOptionsFunctions {
	const node = autoGptNode(options.parameters);
	// as the editor has them: n8n's Workflow replaces the node's with those its menus display
	const currentNodeParameters = node.parameters;
	const workflow = new Workflow({
		id: 'test',
		nodes: [node],
		connections: {},
		nodeTypes: new TestNodeTypes(),
		active: false,
	});
	const additionalData = {
		credentialsHelper: options.credentials,
		currentNodeParameters,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		userId: 'user',
	} as unknown as IWorkflowExecuteAdditionalData;
	return new LoadOptionsContext(workflow, node, additionalData, 'parameters');
}
