// Runs the AutoGPT Trigger the way n8n does, with n8n-core's own HookContext and WebhookContext:
// activation calls checkExists then create, deactivation calls delete, each over the real
// transport; every request to the trigger's URL gets a fresh workflow loaded from the "database"
// (the static data as n8n last saved it), goes through webhook(), and its static data is saved
// again when webhook() changed it (n8n 2.40's live webhooks do the same). The trigger's URL is
// served by a loopback HTTP server that hands webhook() the request with `rawBody`, as n8n's body
// parser does, and an express-like response. `restart()` loads the node's modules afresh, as a new
// n8n process would, keeping only the saved static data.
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeParameters,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AutoGptTrigger } from '../../../../nodes/AutoGpt/AutoGptTrigger.node';
import type { TestCredentialsHelper } from '../../../helpers/workflow';

const NODE_TYPE = 'n8n-nodes-autogpt.autoGptTrigger';

/** The trigger's modules loaded afresh: what a restarted n8n process has in memory. */
function freshTrigger(): INodeType {
	let trigger: INodeType | undefined;
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const module = require('../../../../nodes/AutoGpt/AutoGptTrigger.node') as {
			AutoGptTrigger: new () => INodeType;
		};
		trigger = new module.AutoGptTrigger();
	});
	return trigger!;
}

class TriggerNodeTypes implements INodeTypes {
	trigger: INodeType = new AutoGptTrigger();

	getByName(type: string): INodeType | IVersionedNodeType {
		return this.getByNameAndVersion(type);
	}

	getByNameAndVersion(type: string): INodeType {
		if (type !== NODE_TYPE) throw new Error(`Unknown node type ${type}`);
		return this.trigger;
	}

	getKnownTypes() {
		return {};
	}
}

/** One request to the trigger's URL and what came of it. */
export interface TriggerCall {
	status: number;
	body: unknown;
	/** The items of the workflow run webhook() started, or undefined when it started none. */
	started?: IDataObject[];
	/** webhook() threw (n8n would answer 500 and log it). */
	threw?: string;
	/** Settles when the call's connection has closed (answered, or dropped by the sender). */
	closed?: Promise<void>;
	/** Settles when n8n's handling of the call is over, answer written (or not) included. */
	done?: Promise<void>;
}

export interface TriggerHarness {
	/** The production URL n8n would give this trigger. */
	readonly webhookUrl: string;
	readonly node: INode;
	readonly calls: TriggerCall[];
	/** Items of every workflow run started, in order. */
	readonly runs: IDataObject[][];
	/** The node's static data as n8n last saved it. */
	staticData(): IDataObject;
	/** Overwrites the saved static data (to simulate a lost or edited database row). */
	setStaticData(data: IDataObject): void;
	setParameters(parameters: IDataObject): void;
	/** n8n's activation: checkExists, then create when it answered false. */
	activate(): Promise<{ existed: boolean }>;
	/** n8n's deactivation: delete. */
	deactivate(): Promise<boolean>;
	/** n8n restarted with this workflow alone; see `restartN8n`. */
	restart(): Promise<void>;
	/** Serves with this instance of the node from now on and activates as n8n's start-up does. */
	startWith(trigger: INodeType): Promise<void>;
	/** Posts to the trigger's URL as any sender could. */
	post(body: string | Buffer, headers?: Record<string, string>): Promise<TriggerCall>;
	close(): Promise<void>;
}

export interface HarnessOptions {
	parameters: IDataObject;
	credentials: TestCredentialsHelper;
	/** Defaults to the one `parameters.authentication` selects. */
	credentialType?: 'autoGptApi' | 'autoGptOAuth2Api';
	/**
	 * Whether n8n manages to start the run webhook() asked for; when not (its database or queue
	 * unavailable), it answers 500, as n8n's "There was a problem executing the workflow". Default yes.
	 */
	startsRun?: () => boolean | Promise<boolean>;
}

type ExpressLikeResponse = ServerResponse & {
	status(code: number): ExpressLikeResponse;
	json(body: unknown): ExpressLikeResponse;
	send(body: unknown): ExpressLikeResponse;
};

function expressLike(response: ServerResponse, record: (status: number, body: unknown) => void) {
	const res = response as ExpressLikeResponse;
	res.status = (code: number) => {
		res.statusCode = code;
		return res;
	};
	res.json = (body: unknown) => {
		record(res.statusCode, body);
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify(body));
		return res;
	};
	res.send = (body: unknown) => (typeof body === 'string' ? (res.end(body), res) : res.json(body));
	return res;
}

async function readRaw(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

export async function startTriggerHarness(options: HarnessOptions): Promise<TriggerHarness> {
	// each harness is its own workflow, as two workflows in one n8n are
	const workflowId = randomUUID();
	const nodeTypes = new TriggerNodeTypes();
	const webhookDescription = nodeTypes.trigger.description.webhooks![0];
	const credentialType =
		options.credentialType ??
		(options.parameters.authentication === 'apiKey' ? 'autoGptApi' : 'autoGptOAuth2Api');
	const node: INode = {
		id: randomUUID(),
		name: 'AutoGPT Trigger',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { ...options.parameters } as INodeParameters,
		credentials: { [credentialType]: { id: 'cred-1', name: 'AutoGPT account' } },
	};

	let savedStaticData: IDataObject = {};
	const calls: TriggerCall[] = [];
	const runs: IDataObject[][] = [];

	const server: Server = createServer((request, response) => {
		void handle(request, response);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const baseUrl = `http://127.0.0.1:${port}`;

	const additionalData = (extra: Partial<IWorkflowExecuteAdditionalData> = {}) =>
		({
			credentialsHelper: options.credentials,
			executionId: undefined,
			restApiUrl: `${baseUrl}/rest`,
			instanceBaseUrl: `${baseUrl}/`,
			webhookBaseUrl: `${baseUrl}/webhook`,
			webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
			webhookTestBaseUrl: `${baseUrl}/webhook-test`,
			formWaitingBaseUrl: `${baseUrl}/form-waiting`,
			variables: {},
			userId: 'user',
			currentNodeParameters: undefined,
			...extra,
		}) as unknown as IWorkflowExecuteAdditionalData;

	/** A workflow as n8n loads it from the database for each activation and each request. */
	const loadWorkflow = () =>
		new Workflow({
			id: workflowId,
			name: 'Trigger test',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: structuredClone(savedStaticData),
			settings: { executionOrder: 'v1' },
		});

	/** n8n saves static data after activation, deactivation and each webhook call when it changed. */
	const saveStaticData = (workflow: Workflow) => {
		const data = workflow.staticData as IDataObject;
		if (data.__dataChanged === true) {
			const copy = JSON.parse(JSON.stringify(data)) as IDataObject;
			delete copy.__dataChanged;
			savedStaticData = copy;
		}
	};

	const webhookData = (workflowAdditionalData: IWorkflowExecuteAdditionalData): IWebhookData => ({
		httpMethod: 'POST',
		node: node.name,
		path: `${node.webhookId}/${webhookDescription.path as string}`,
		webhookDescription,
		workflowId,
		workflowExecuteAdditionalData: workflowAdditionalData,
		webhookId: node.webhookId,
	});

	const hook = async (
		method: 'checkExists' | 'create' | 'delete',
		workflow: Workflow,
		activation: WorkflowActivateMode,
	) => {
		const data = additionalData();
		const context = new HookContext(workflow, node, data, 'trigger', activation, webhookData(data));
		return (await nodeTypes.trigger.webhookMethods!.default![method]!.call(context)) as boolean;
	};

	const activate = async (activation: WorkflowActivateMode) => {
		const workflow = loadWorkflow();
		const existed = await hook('checkExists', workflow, activation);
		if (!existed) await hook('create', workflow, activation);
		saveStaticData(workflow);
		return { existed };
	};

	async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const call: TriggerCall = { status: 0, body: undefined };
		const res = expressLike(response, (status, body) => {
			call.status = status;
			call.body = body;
		});
		const rawBody = await readRaw(request);
		if (request.method !== 'POST' || request.url !== `/webhook/${node.webhookId}/webhook`) {
			res.status(404).json({ message: 'The requested webhook is not registered' });
			return;
		}
		const req = request as IncomingMessage & { body?: unknown };
		req.rawBody = rawBody;
		try {
			req.body = JSON.parse(rawBody.toString('utf8'));
		} catch {
			req.body = {};
		}
		call.closed = new Promise((resolve) => response.once('close', () => resolve()));
		let handled!: () => void;
		call.done = new Promise((resolve) => (handled = resolve));
		calls.push(call);
		try {
			await runWebhook(call, req, res, response);
		} finally {
			handled();
		}
	}

	async function runWebhook(
		call: TriggerCall,
		req: IncomingMessage,
		res: ExpressLikeResponse,
		response: ServerResponse,
	): Promise<void> {
		const workflow = loadWorkflow();
		const data = additionalData({ httpRequest: req as never, httpResponse: res as never });
		const context = new WebhookContext(
			workflow,
			node,
			data,
			'webhook',
			webhookData(data),
			[],
			null,
		);
		try {
			const result = await nodeTypes.trigger.webhook!.call(context);
			// n8n could not start the run (its database or Redis unavailable): it answers 500 and
			// saves nothing of the call's static data.
			if (result.workflowData && (await options.startsRun?.()) === false) {
				res.status(500).json({ message: 'There was a problem executing the workflow' });
				return;
			}
			saveStaticData(workflow);
			if (result.workflowData) {
				call.started = result.workflowData[0].map((item) => item.json);
				runs.push(call.started);
			}
			if (result.noWebhookResponse) {
				if (!response.writableEnded) throw new Error('webhook() said it answered, but did not');
				return;
			}
			res.status(200).json(result.webhookResponse ?? { message: 'Workflow was started' });
		} catch (error) {
			call.threw = (error as Error).message;
			if (!response.headersSent) res.status(500).json({ message: 'Error in workflow' });
		}
	}

	const webhookUrl = `${baseUrl}/webhook/${node.webhookId}/webhook`;
	const harness: TriggerHarness = {
		webhookUrl,
		node,
		calls,
		runs,
		staticData: () => (savedStaticData[`node:${node.name}`] as IDataObject | undefined) ?? {},
		setStaticData: (data) => {
			savedStaticData = { ...savedStaticData, [`node:${node.name}`]: structuredClone(data) };
		},
		setParameters: (parameters) => {
			node.parameters = { ...parameters } as INodeParameters;
		},
		activate: async () => await activate('activate'),
		async deactivate() {
			const workflow = loadWorkflow();
			const removed = await hook('delete', workflow, 'update');
			saveStaticData(workflow);
			return removed;
		},
		restart: async () => await restartN8n([harness]),
		async startWith(trigger) {
			nodeTypes.trigger = trigger;
			await activate('init');
		},
		async post(body, headers = {}) {
			const response = await fetch(webhookUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body,
			});
			const text = await response.text();
			const call = calls[calls.length - 1];
			return { ...call, status: response.status, body: text ? JSON.parse(text) : undefined };
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
	return harness;
}

/**
 * n8n stopped and started again with these workflows: the node's modules are loaded afresh (what
 * the process held in memory is gone, the saved static data stays), then n8n's start-up activation
 * (mode `init`) runs checkExists, and create when it answered false, for each workflow.
 */
export async function restartN8n(harnesses: TriggerHarness[]): Promise<void> {
	const trigger = freshTrigger();
	for (const harness of harnesses) await harness.startWith(trigger);
}

/**
 * Posts to the trigger and drops the connection once `reached` settles (n8n holds the call), as
 * the platform does when n8n does not answer in time; returns the call once n8n saw it closed.
 */
export async function sendThenGiveUp(
	harness: TriggerHarness,
	body: string,
	headers: Record<string, string>,
	reached: Promise<void>,
): Promise<TriggerCall> {
	// fetch, not node:http: a unit test file before this one in the same jest worker may have left
	// nock's interception of node:http in place
	const sender = new AbortController();
	const sent = fetch(harness.webhookUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body,
		signal: sender.signal,
	}).catch(() => undefined);
	await reached;
	const call = harness.calls[harness.calls.length - 1];
	sender.abort();
	await Promise.all([sent, call.closed]);
	return call;
}
