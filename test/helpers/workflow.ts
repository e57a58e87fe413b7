// Runs a workflow JSON with our nodes through n8n-core's real WorkflowExecute, so parameters,
// expressions, pairedItem and Continue On Fail behave as they do in n8n. Credentials come from a
// small credentials helper that applies our credential types the way n8n does.
/* eslint-disable @n8n/community-nodes/node-usable-as-tool */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
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
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	INode,
	IConnections,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { AutoGptApi } from '../../credentials/AutoGptApi.credentials';
import { AutoGptOAuth2Api } from '../../credentials/AutoGptOAuth2Api.credentials';
import { AutoGpt } from '../../nodes/AutoGpt/AutoGpt.node';

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

const nodeTypes: Record<string, INodeType> = {
	'n8n-nodes-autogpt.autoGpt': new AutoGpt(),
	'test.items': new TestItems(),
};

const credentialTypes: Record<string, ICredentialType> = {
	autoGptApi: new AutoGptApi(),
	autoGptOAuth2Api: new AutoGptOAuth2Api(),
};

class TestNodeTypes implements INodeTypes {
	getByName(type: string): INodeType | IVersionedNodeType {
		return this.getByNameAndVersion(type);
	}

	getByNameAndVersion(type: string): INodeType {
		const nodeType = nodeTypes[type];
		if (!nodeType) throw new Error(`Unknown node type ${type}`);
		return nodeType;
	}

	getKnownTypes() {
		return {};
	}
}

function resolveCredentialExpression(
	value: string,
	credentials: ICredentialDataDecryptedObject,
): string {
	return value.replace(/^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/, (_match, name: string) =>
		String(credentials[name] ?? ''),
	);
}

export class TestCredentialsHelper extends ICredentialsHelper {
	/** Token data written back by n8n after an OAuth2 refresh, per credential type. */
	updates: Array<{ type: string; data: ICredentialDataDecryptedObject }> = [];

	constructor(public credentials: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(name: string): string[] {
		return name === 'autoGptOAuth2Api' ? ['oAuth2Api'] : [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	) {
		const authenticate = credentialTypes[typeName]?.authenticate;
		if (!authenticate || typeof authenticate === 'function') return requestOptions;
		const headers = { ...(requestOptions.headers ?? {}) } as Record<string, string>;
		for (const [name, value] of Object.entries(authenticate.properties.headers ?? {})) {
			headers[name] = resolveCredentialExpression(String(value), credentials);
		}
		return { ...requestOptions, headers };
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
		return { ...(this.credentials[type] ?? {}) };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: unknown,
		type: string,
		data: ICredentialDataDecryptedObject,
	) {
		this.updates.push({ type, data });
		this.credentials[type] = { ...this.credentials[type], ...data };
	}

	getCredentialsProperties(type: string) {
		return credentialTypes[type]?.properties ?? [];
	}
}

/** Credentials as n8n hands them to a node: OAuth2 fields resolved, token data attached. */
export function apiKeyCredentials(
	apiKey: string,
	platformUrl: string,
	apiUrl = '',
): ICredentialDataDecryptedObject {
	return { apiKey, platformUrl, apiUrl };
}

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
		grantType: 'pkce',
		authUrl: `${options.platformUrl}/oauth/authorize`,
		accessTokenUrl: `${options.platformUrl}/oauth/token`,
		clientId: options.clientId,
		clientSecret: options.clientSecret,
		scope:
			'openid profile email agents:execute integrations:list integrations:connect integrations:delete',
		authQueryParameters: '',
		authentication: 'body',
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
}

let executionCount = 0;

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
	executionId?: string;
	node?: Partial<INode>;
}): Promise<RunResult> {
	const executionId = options.executionId ?? `test-${++executionCount}`;
	const authentication = (options.parameters.authentication as string | undefined) ?? 'apiKey';
	const credentialType = authentication === 'apiKey' ? 'autoGptApi' : 'autoGptOAuth2Api';
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
			id: 'autogpt',
			name: 'AutoGPT',
			type: 'n8n-nodes-autogpt.autoGpt',
			typeVersion: 1,
			position: [200, 0],
			parameters: { authentication, ...options.parameters },
			credentials: { [credentialType]: { id: 'cred-1', name: 'AutoGPT account' } },
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			...options.node,
		},
	];
	const connections: IConnections = {
		Items: { main: [[{ node: 'AutoGPT', type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const workflow = new Workflow({
		id: 'test',
		nodes,
		connections,
		nodeTypes: new TestNodeTypes(),
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
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
		},
	} as unknown as IRunExecutionData;
	return await continueRun(workflow, additionalData, runExecutionData);
}

/** Runs (or resumes) `runExecutionData` to its end, or to the point where it waits. */
export async function continueRun(
	workflow: Workflow,
	additionalData: IWorkflowExecuteAdditionalData,
	runExecutionData: IRunExecutionData,
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
	const execute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await finished;
	const nodeRun = run.data.resultData.runData.AutoGPT?.[0];
	const error = (nodeRun?.error ?? run.data.resultData.error) as RunResult['error'];
	return {
		run,
		workflow,
		additionalData,
		items: nodeRun?.data?.main?.[0] ?? [],
		error: error ?? undefined,
	};
}
