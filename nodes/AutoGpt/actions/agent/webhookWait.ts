// Wait Mode "Webhook" of Agent → Execute: each item's agent run gets n8n's resume URL of this
// execution as its webhook_url, the n8n execution waits (saved, nothing running, no status reads),
// and the platform's signed calls end the wait once every run has ended.
//
// How it fits what n8n allows a node:
// - n8n calls the node's `webhook` (restartWebhook) for every call to the resume URL. A call that
//   returns no workflowData leaves the execution waiting and changes nothing n8n saves; the call
//   that ends the wait returns every item, and n8n passes them on as the node's output.
// - What the node knew when it started the runs (the plan) is in its context, saved with the
//   waiting execution. The outcomes of earlier calls are held by the n8n process (waitMemory.ts).
// - Failing the node when the wait ends, and the Timeout, are the parts n8n does not give a node:
//   see waitingEntry.ts and the reminder in waitMemory.ts.
import { createHash, randomUUID } from 'crypto';
import type {
	ExecutionError,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeProperties,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { credentialTypeOf } from '../../transport';
import { callResumeUrl, type RequestHelpers } from '../../transport/resumeCall';
import { deliveryRequest } from '../../trigger/delivery';
import type { Delivery } from '../../trigger/verification/payload';
import { ReplayGuard, type ReplayMemory } from '../../trigger/verification/replayGuard';
import { signatureHeaderFor, verifySignature } from '../../trigger/verification/signature';
import {
	checkTimestamp,
	DEFAULT_TOLERANCE_SECONDS,
} from '../../trigger/verification/timestampWindow';
import type { DeliveryRequest } from '../../trigger/verification/verifyDelivery';
import { verifyDelivery } from '../../trigger/verification/verifyDelivery';
import { errorItemJson, type ItemError } from '../itemError';
import { getExecution, type WaitSettings } from '../waiting';
import {
	record,
	remind,
	settle,
	stateOf,
	track,
	waitKey,
	workDone,
	type WaitState,
} from './waitMemory';
import {
	type AwaitedRun,
	awaitedRuns,
	decide,
	type RunRecord,
	dueRuns,
	isWaitPlan,
	lastDeadline,
	outcomeOfRecord,
	runOfExecution,
	timedOut,
	WAIT_PLAN_KEY,
	type WaitPlan,
} from './waitPlan';
import { resumeWithError, resumeWithOutput, waitingEntry, type WaitingEntry } from './waitingEntry';

export const waitModeProperty: INodeProperties = {
	displayName: 'Wait Mode',
	name: 'waitMode',
	type: 'options',
	options: [
		{
			name: 'Poll',
			value: 'poll',
			description:
				"Check each run's status every few seconds while the workflow run stays in memory",
		},
		{
			name: 'Webhook',
			value: 'webhook',
			description:
				'Pause the workflow run until AutoGPT calls n8n back as each agent run ends. Needs the OAuth2 credential with its Webhook Secret.',
		},
	],
	default: 'poll',
	description: 'How the node learns that the agent runs have ended',
};

/**
 * The resume URL's webhook (`$execution.resumeUrl`, path empty). A restart webhook is not
 * registered anywhere: each run is given the URL when it starts, so there is no lifecycle.
 */
export const resumeWebhooks: INodeTypeDescription['webhooks'] = [
	{
		name: 'default',
		httpMethod: 'POST',
		path: '',
		restartWebhook: true,
		responseMode: 'onReceived',
	},
];

/** How long after its first try the platform still retries a call that n8n refused (5 s + 30 s). */
export const CALL_RETRIES_COVER_MS = 30_000;

/** n8n resumes the execution on its own this long after the last Timeout, should no call come. */
export const BACKSTOP_GRACE_MS = 60_000;
/** Marks the node's own call at a Timeout (signed like a delivery). */
const NOTICE_HEADER = 'x-autogpt-wait-notice';
/**
 * The calls every wait of this process accepted (keys name secret and payload, so waits cannot
 * collide). Apart from the trigger's memory: the same signed call may reach a trigger too.
 */
const waitCallReplays = new ReplayGuard();

// ---------------------------------------------------------------------------------------------
// When the node runs

/** The runs of one node run in Webhook mode, collected while the router starts them. */
export class CallbackWait {
	readonly runs = new Map<number, AwaitedRun>();

	constructor(
		readonly url: string,
		readonly secret: string,
	) {}

	/** What to say when the platform refuses the start (e.g. the resume URL's host). */
	get hints(): Record<number, string> {
		const host = new URL(this.url).host;
		return {
			400: `Wait Mode "Webhook" sends n8n's resume URL (host ${host}) as the run's webhook URL. AutoGPT accepts it only when that host is among the OAuth client's webhook domains and the URL is https (http only on localhost). Set n8n's WEBHOOK_URL to its public address, or use Wait Mode "Poll".`,
		};
	}

	/** Records a started run to wait for; the item shows the started execution meanwhile. */
	await(
		itemIndex: number,
		executionId: string,
		agentId: string,
		settings: WaitSettings,
		simplify: boolean,
	): void {
		const startedAtMs = Date.now();
		this.runs.set(itemIndex, {
			executionId,
			agentId,
			simplify,
			returnOnReview: settings.returnOnReview,
			timeoutSeconds: settings.timeoutSeconds,
			startedAtMs,
			deadlineMs: startedAtMs + settings.timeoutSeconds * 1000,
		});
	}
}

const collecting = new WeakMap<IExecuteFunctions, CallbackWait>();

/** The wait being collected for this node run, in Webhook mode. */
export function callbackWaitOf(context: IExecuteFunctions): CallbackWait | undefined {
	return collecting.get(context);
}

/**
 * In Webhook mode, checks everything that can be checked before any agent starts and returns the
 * wait the started runs join; undefined in Poll mode.
 */
export async function prepareCallbackWait(
	this: IExecuteFunctions,
): Promise<CallbackWait | undefined> {
	if (this.getNodeParameter('resource', 0, '') !== 'agent') return undefined;
	if (this.getNodeParameter('operation', 0, '') !== 'execute') return undefined;
	if (this.getNodeParameter('waitForCompletion', 0, true) !== true) return undefined;
	if (this.getNodeParameter('waitMode', 0, 'poll') !== 'webhook') return undefined;

	const node = this.getNode();
	if (this.isToolExecution?.()) {
		throw new NodeOperationError(node, 'Wait Mode "Webhook" cannot pause an AI tool call', {
			description:
				'An AI Agent waits for its tools inside one run. Set Wait Mode to "Poll" on this tool.',
		});
	}
	if (credentialTypeOf(this) !== 'autoGptOAuth2Api') {
		throw new NodeOperationError(node, 'Wait Mode "Webhook" needs the OAuth2 credential', {
			description:
				'AutoGPT calls back only runs started by an OAuth client: with an API key it refuses a webhook URL. Set Authentication to OAuth2 (with the Webhook Secret of the OAuth client in the credential), or set Wait Mode to "Poll". No agent was started.',
		});
	}
	const secret = (await this.getCredentials('autoGptOAuth2Api')).webhookSecret;
	if (typeof secret !== 'string' || secret === '') {
		throw new NodeOperationError(node, 'Wait Mode "Webhook" needs the Webhook Secret', {
			description:
				'AutoGPT signs its calls with the OAuth client\'s webhook secret, and the node refuses every call it cannot verify. Enter the Webhook Secret in the AutoGPT OAuth2 credential, or set Wait Mode to "Poll". No agent was started.',
		});
	}
	const url = this.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
		throw new NodeOperationError(node, 'n8n gave no resume URL for this execution', {
			description: 'Set Wait Mode to "Poll". No agent was started.',
		});
	}
	const wait = new CallbackWait(url, secret);
	collecting.set(this, wait);
	return wait;
}

/**
 * After the router started the runs: puts the execution into the waiting state, or returns the
 * items at once when no run is left to wait for (every start failed under Continue On Fail, or
 * every run had ended). While waiting, the node's run shows the started executions.
 */
export async function beginCallbackWait(
	this: IExecuteFunctions,
	wait: CallbackWait,
	output: INodeExecutionData[][],
): Promise<INodeExecutionData[][]> {
	collecting.delete(this);
	if (wait.runs.size === 0) return output;
	const plan: WaitPlan = {
		id: randomUUID(),
		continueOnFail: this.continueOnFail(),
		resumeUrl: wait.url,
		entries: (output[0] ?? []).map((item, position) => {
			const itemIndex = pairedIndex(item, position);
			const run = wait.runs.get(itemIndex);
			return run ? { itemIndex, run } : { itemIndex, json: item.json };
		}),
	};
	const key = waitKey(this.getExecutionId(), plan);
	const { state } = stateOf(key, plan);
	await readUncoveredRuns(this, state);
	const verdict = decide(plan, state.outcomes, state.failures);
	if (verdict.kind !== 'wait') {
		settle(key, state);
		if (verdict.kind === 'fail') throw verdict.error;
		return [verdict.items];
	}
	// What the reads found is kept with the plan, so that a restart does not lose it.
	plan.entries = plan.entries.map((entry) => {
		const outcome = state.outcomes.get(entry.itemIndex);
		if (!outcome || !('run' in entry)) return entry;
		return {
			itemIndex: entry.itemIndex,
			json: 'error' in outcome ? errorItemJson(outcome.error) : outcome.json,
		};
	});
	this.getContext('node')[WAIT_PLAN_KEY] = plan;
	// What n8n does when it resumes the execution on its own: it fails the node with this.
	this.setMetadata({ resumeError: asResumeError(backstopError(this.getNode(), plan)) });

	remind(key, state, timeoutNotice(this.helpers, plan, wait.secret));
	await this.putExecutionToWait(new Date(lastDeadline(plan) + BACKSTOP_GRACE_MS));
	return output;
}

/**
 * n8n refuses calls to an execution that is still running (409), and the node's execution runs
 * until every item's agent is started, which the platform's execute limit can stretch to
 * minutes. The platform tries a refused call again after 5 s and 30 s only, so a run started
 * longer ago than that may have called for nothing: each such run is read once, now.
 */
async function readUncoveredRuns(context: IExecuteFunctions, state: WaitState): Promise<void> {
	const coveredSince = Date.now() - CALL_RETRIES_COVER_MS;
	const reads: Array<Promise<void>> = [];
	for (const [itemIndex, run] of awaitedRuns(state.plan)) {
		if (run.startedAtMs >= coveredSince) continue;
		state.read.add(itemIndex);
		reads.push(
			(async () => {
				const found = (await getExecution.call(context, run.executionId, itemIndex)) as RunRecord;
				state.lastStatus.set(itemIndex, found.status);
				const outcome = outcomeOfRecord(context.getNode(), found, run, itemIndex);
				if (outcome) record(state, itemIndex, outcome);
			})().catch(() => {
				// Not read: its call may still come, and its Timeout reads it otherwise.
				state.read.delete(itemIndex);
			}),
		);
	}
	await Promise.all(reads);
}

function pairedIndex(item: INodeExecutionData, position: number): number {
	const paired = item.pairedItem;
	if (typeof paired === 'number') return paired;
	if (paired && !Array.isArray(paired)) return paired.item;
	return position;
}

/** The error n8n fails the node with when it ends the wait itself, a little after the Timeout. */
function backstopError(node: INode, plan: WaitPlan): NodeOperationError {
	const runs = plan.entries.flatMap((entry) => ('run' in entry ? [entry.run.executionId] : []));
	const listed =
		runs.slice(0, 10).join(', ') + (runs.length > 10 ? ` and ${runs.length - 10} more` : '');
	return new NodeOperationError(
		node,
		'Stopped waiting for AutoGPT after the Timeout, without reading the runs that had not called back',
		{
			description: `n8n ended the wait on its own: a waiting node runs no code when its wait time is up, and the n8n process that was to read the runs at the Timeout was gone (n8n restarted and AutoGPT did not call since) or could not reach n8n's resume URL. The runs may still be going in AutoGPT; look them up with Execution → Get: ${listed}.`,
		},
	);
}

/**
 * The error as n8n keeps it in the execution: its message survives being saved, and its name is
 * the n8n class's, which n8n needs to throw it as it is (with its description) when it resumes.
 */
function asResumeError(error: ItemError): ExecutionError {
	const name = error instanceof NodeApiError ? 'NodeApiError' : 'NodeOperationError';
	return {
		...error,
		name,
		message: error.message,
		stack: error.stack,
	} as unknown as ExecutionError;
}

/** The node's own call to its resume URL when a Timeout comes, signed with the webhook secret. */
function timeoutNotice(helpers: RequestHelpers, plan: WaitPlan, secret: string) {
	return async (): Promise<boolean> => {
		const timestamp = new Date().toISOString();
		const body = JSON.stringify({ notice: 'timeout', wait: plan.id, timestamp });
		const status = await callResumeUrl(helpers, plan.resumeUrl, body, {
			[NOTICE_HEADER]: 'timeout',
			'x-webhook-signature': signatureHeaderFor(secret, body),
			'x-webhook-timestamp': timestamp,
		});
		return status !== undefined && status >= 200 && status < 300;
	};
}

// ---------------------------------------------------------------------------------------------
// When a call arrives at the resume URL

type Answer = (status: number, body: IDataObject) => IWebhookResponseData;

export async function receiveCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const response = this.getResponseObject();
	const answer: Answer = (status, body) => {
		response.status(status).json(body);
		return { noWebhookResponse: true };
	};
	const plan = readPlan(this);
	if (!plan) return answer(404, { error: 'nothing waits for AutoGPT in this execution' });
	const entry = waitingEntry(this);
	if (!entry) {
		// Nothing is verified or remembered: the platform retries, and the wait ends at the Timeout.
		return answer(500, {
			error: 'this n8n version does not hand the waiting node to the call; use Wait Mode "Poll"',
		});
	}

	const request = await deliveryRequest(this);
	const secret = await webhookSecret(this);
	const key = waitKey(this.getExecutionId(), plan);

	if (this.getHeaderData()[NOTICE_HEADER] !== undefined) {
		const refused = verifyNotice(request, secret, plan, waitCallReplays);
		if (refused) return answer(401, { error: refused });
		const { state } = stateOf(key, plan);
		answer(200, { received: true });
		if (!state.settled) readDueRuns(this, state);
		return await conclude(entry, key, state);
	}

	const verdict = verifyDelivery(request, {
		secret,
		toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
		nowMs: Date.now(),
		replayGuard: waitCallReplays,
	});
	if (!verdict.accepted) return answer(verdict.status, { error: verdict.reason });
	const { delivery } = verdict;
	if (delivery.event !== 'execution.completed' && delivery.event !== 'execution.failed') {
		return answer(200, { received: true });
	}
	const awaited = runOfExecution(plan, delivery.data.execution_id);
	if (!awaited) return answer(200, { received: true, ignored: 'not a run this node waits for' });

	const { state, fresh } = stateOf(key, plan);
	answer(200, { received: true });
	if (state.settled || state.outcomes.has(awaited.itemIndex)) return { noWebhookResponse: true };
	takeDelivery(this, state, awaited.itemIndex, awaited.run, delivery);
	if (fresh) catchUp(this, key, state, awaited.itemIndex, secret);
	return await conclude(entry, key, state);
}

/** The plan the node saved in its context when it started the runs. */
function readPlan(context: IWebhookFunctions): WaitPlan | undefined {
	const name = [...context.getNode().name].map((char) => char.codePointAt(0)).join(',');
	try {
		const plan = context.evaluateExpression(
			`{{ $node[String.fromCodePoint(${name})].context["${WAIT_PLAN_KEY}"] }}`,
		);
		return isWaitPlan(plan) ? plan : undefined;
	} catch {
		return undefined;
	}
}

async function webhookSecret(context: IWebhookFunctions): Promise<string> {
	if (credentialTypeOf(context) !== 'autoGptOAuth2Api') return '';
	const { webhookSecret: secret } = await context.getCredentials('autoGptOAuth2Api');
	return typeof secret === 'string' ? secret : '';
}

/** Why the node's own Timeout notice is refused, if it is: the checks of a delivery. */
function verifyNotice(
	request: DeliveryRequest,
	secret: string,
	plan: WaitPlan,
	replayGuard: ReplayMemory,
): string | undefined {
	if (!secret) return 'no signing secret';
	const rawBody = request.rawBody ?? new Uint8Array();
	const signature = verifySignature({ secret, header: request.signatureHeader, rawBody });
	if (!signature.valid) return 'signature does not match';
	let body: { notice?: unknown; wait?: unknown; timestamp?: unknown };
	try {
		body = JSON.parse(Buffer.from(rawBody).toString('utf8')) as typeof body;
	} catch {
		return 'body is not JSON';
	}
	if (body.notice !== 'timeout' || body.wait !== plan.id) return 'not a notice of this wait';
	const nowMs = Date.now();
	for (const text of [request.timestampHeader, body.timestamp]) {
		const check = checkTimestamp(
			typeof text === 'string' ? text : undefined,
			nowMs,
			DEFAULT_TOLERANCE_SECONDS,
		);
		if (!check.ok) return 'timestamp is outside the tolerance window';
	}
	const replayKey = createHash('sha256').update(rawBody).digest('hex');
	if (replayGuard.isReplay(replayKey, nowMs, nowMs + DEFAULT_TOLERANCE_SECONDS * 1000)) {
		return 'replayed notice';
	}
	return undefined;
}

/** A verified completed or failed call for a run still awaited. */
function takeDelivery(
	context: IWebhookFunctions,
	state: WaitState,
	itemIndex: number,
	run: AwaitedRun,
	delivery: Delivery,
): void {
	const data = { ...delivery.data } as RunRecord;
	// The contract lets a call's error be an object; a status read gives text.
	if (data.error !== undefined && data.error !== null && typeof data.error !== 'string') {
		data.error = JSON.stringify(data.error);
	}
	if (delivery.event === 'execution.failed' || run.simplify) {
		const outcome = outcomeOfRecord(context.getNode(), data, run, itemIndex);
		if (outcome) record(state, itemIndex, outcome);
		return;
	}
	// The call carries the outputs, not the full record Simplify off returns: one read for it.
	track(state, readRun(context, state, itemIndex, run, { delivered: data }));
}

/**
 * Reads one run once (at most one read per run in this process) and records what Poll mode would
 * make of it. For a run whose completion was just delivered, the delivered data stands in if the
 * read says otherwise; at a Timeout, a run still going gets Poll mode's timeout error.
 */
async function readRun(
	context: IWebhookFunctions,
	state: WaitState,
	itemIndex: number,
	run: AwaitedRun,
	how: { delivered?: RunRecord; atTimeout?: boolean } = {},
): Promise<void> {
	const node = context.getNode();
	const concludeWithout = (lastStatus: string) => {
		if (how.delivered) {
			const outcome = outcomeOfRecord(node, how.delivered, run, itemIndex);
			if (outcome) record(state, itemIndex, outcome);
		} else if (how.atTimeout) {
			record(state, itemIndex, timedOut(node, run, itemIndex, lastStatus));
		}
	};
	if (state.read.has(itemIndex)) {
		concludeWithout(state.lastStatus.get(itemIndex) ?? 'queued');
		return;
	}
	state.read.add(itemIndex);
	let found: RunRecord;
	try {
		found = (await getExecution.call(context, run.executionId, itemIndex)) as typeof found;
	} catch (error) {
		// As in Poll mode, a read that fails fails its item (before a Timeout the call may still come,
		// and the Timeout reads it again).
		if (how.delivered || how.atTimeout) record(state, itemIndex, { error: error as ItemError });
		else state.read.delete(itemIndex);
		return;
	}
	state.lastStatus.set(itemIndex, found.status);
	const outcome = outcomeOfRecord(node, found, run, itemIndex);
	if (outcome) record(state, itemIndex, outcome);
	else concludeWithout(found.status);
}

/**
 * This process has no memory of the wait (n8n restarted, or another process started it): the
 * calls it missed are not sent again, so each other run still awaited is read once. The reminder
 * for the Timeouts is kept from here on.
 */
function catchUp(
	context: IWebhookFunctions,
	key: string,
	state: WaitState,
	calledItem: number,
	secret: string,
): void {
	for (const entry of state.plan.entries) {
		if (!('run' in entry) || entry.itemIndex === calledItem) continue;
		if (state.outcomes.has(entry.itemIndex)) continue;
		track(state, readRun(context, state, entry.itemIndex, entry.run));
	}
	remind(key, state, timeoutNotice(context.helpers, state.plan, secret));
}

/** At a Timeout: each run due is read once, and ends as in Poll mode. */
function readDueRuns(context: IWebhookFunctions, state: WaitState): void {
	// A notice comes at the earliest Timeout; a second of slack for the clocks of the timers.
	for (const { itemIndex, run } of dueRuns(state.plan, state.outcomes, Date.now() + 1000)) {
		track(state, readRun(context, state, itemIndex, run, { atTimeout: true }));
	}
}

/** Once the reads under way are back: ends the wait when every run has ended (or one failed). */
async function conclude(
	entry: WaitingEntry,
	key: string,
	state: WaitState,
): Promise<IWebhookResponseData> {
	await workDone(state);
	if (state.settled) return { noWebhookResponse: true };
	const verdict = decide(state.plan, state.outcomes, state.failures);
	if (verdict.kind === 'wait') return { noWebhookResponse: true };
	settle(key, state);
	if (verdict.kind === 'fail') {
		resumeWithError(entry, asResumeError(verdict.error));
		// n8n runs a resumed node only with input; the node throws before it looks at it.
		return { noWebhookResponse: true, workflowData: [[{ json: {} }]] };
	}
	resumeWithOutput(entry);
	return { noWebhookResponse: true, workflowData: [verdict.items] };
}
