// A waiting n8n execution, served the way n8n 2.40's waiting webhooks serve one
// (n8n/dist/webhooks/waiting-webhooks.js and webhook-helpers.js): each call starts from the
// execution as n8n saved it when it began to wait, runs the node's webhook in n8n-core's real
// WebhookContext, and, when the webhook returns items, resumes the execution with them. The e2e
// tests do the same in a real n8n; this keeps the node's side quick to test.
import { WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	IRunExecutionData,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { continueRun, type RunResult } from './workflow';

export interface CallAnswer {
	status: number;
	body: unknown;
	/** The execution after the call resumed it. */
	resumed?: RunResult;
}

export class WaitingExecution {
	/** The execution as n8n saves it (serialized) when it starts to wait. */
	private readonly saved: string;

	constructor(private readonly waited: RunResult) {
		if (!waited.run.waitTill) throw new Error('the run is not waiting');
		this.saved = JSON.stringify(waited.run.data);
	}

	get executionId(): string {
		return String(this.waited.additionalData.executionId);
	}

	get waitTill(): Date {
		return this.waited.run.waitTill as Date;
	}

	/** A call to the resume URL: JSON `body` sent as is, with `headers`. */
	async call(body: string, headers: Record<string, string>): Promise<CallAnswer> {
		const data = this.load();
		const stack = data.executionData!.nodeExecutionStack;
		// What n8n does before it runs the waiting node's webhook.
		stack[0].node.disabled = true;
		data.waitTill = undefined;
		const nodeName = data.resultData.lastNodeExecuted as string;
		data.resultData.runData[nodeName].pop();

		const { workflow } = this.waited;
		const node = workflow.getNode(nodeName)!;
		let status = 200;
		let answered: unknown;
		const response = {
			status(code: number) {
				status = code;
				return response;
			},
			json(value: unknown) {
				answered = value;
				return response;
			},
		};
		let parsed: IDataObject = {};
		try {
			parsed = JSON.parse(body) as IDataObject;
		} catch {
			// n8n hands the node the raw bytes either way
		}
		const request = {
			headers: Object.fromEntries(
				Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
			),
			rawBody: Buffer.from(body),
			body: parsed,
			query: {},
			params: {},
		};
		const additionalData = {
			...this.waited.additionalData,
			httpRequest: request,
			httpResponse: response,
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = {
			httpMethod: 'POST',
			node: nodeName,
			path: '',
			workflowId: 'test',
			webhookDescription: { name: 'default', httpMethod: 'POST', path: '', restartWebhook: true },
		} as unknown as IWebhookData;
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			'manual',
			webhookData,
			[],
			data,
		);
		const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const answer = await nodeType.webhook!.call(context);
		if (!answer.workflowData) return { status, body: answered };

		// webhook-helpers.js prepareExecutionData, then the run goes on from the waiting node.
		stack[0].data.main = answer.workflowData;
		stack[0].metadata = { ...stack[0].metadata, forwardAllOutputs: true };
		const resumed = await continueRun(workflow, { ...this.waited.additionalData }, data);
		return { status, body: answered, resumed };
	}

	/** n8n's WaitTracker: the wait time is up and n8n resumes the execution on its own. */
	async resumeAtWaitTill(): Promise<RunResult> {
		return await continueRun(this.waited.workflow, { ...this.waited.additionalData }, this.load());
	}

	private load(): IRunExecutionData {
		const data = JSON.parse(this.saved) as IRunExecutionData;
		if (data.waitTill) data.waitTill = new Date(data.waitTill);
		return data;
	}
}
