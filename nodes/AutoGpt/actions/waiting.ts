import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import {
	isReviewStatus,
	isSuccessStatus,
	isTerminalStatus,
	normalizeStatus,
} from '../helpers/status';
import { nextPollDelayMs } from '../helpers/pollSchedule';
import { type PlatformContext, platformRequest, profileOf, statusCheckFloorMs } from '../transport';
import type { ExecutionRecord } from '../transport/schemas';
import { withRemedy } from '../transport/errors';
import { executionRecord } from '../transport/schemas';
import { getGraphExecution } from './execution/agentId';
import { ExecutionStillRunning } from './stillRunning';
import { defaultTimeoutSeconds } from './toolUse';
import type { WaitingRun } from './types';

export interface WaitSettings {
	timeoutSeconds: number;
	pollIntervalSeconds: number;
	returnOnReview: boolean;
}

/**
 * An agent run that ended without completing (failed or terminated). Besides the message it
 * carries the fields an error item shows under Continue On Fail: execution, agent, status and
 * the platform's error.
 */
export class AgentRunEnded extends NodeApiError {
	readonly itemData: IDataObject;

	constructor(
		node: INode,
		executionId: string,
		record: ExecutionRecord,
		itemIndex: number,
		agentId?: string,
	) {
		const failed = normalizeStatus(record.status) === 'failed';
		const remedy = failed
			? 'The agent itself ended the run without outputs: check the inputs it was given against what it expects, then run it again; the run in AutoGPT shows where it stopped.'
			: 'The run was stopped in AutoGPT before it completed: run the agent again if its outputs are still needed.';
		const what = `Execution ${executionId}${agentId ? ` of agent ${agentId}` : ''} ${failed ? 'failed' : 'was terminated'}${record.error ? `: ${record.error}` : ''}`;
		const message = withRemedy(what, remedy);
		super(
			node,
			{ message, execution_id: executionId, status: record.status },
			{ message, description: remedy, itemIndex },
		);
		this.itemData = {
			execution_id: executionId,
			...(agentId ? { agent_id: agentId } : {}),
			status: normalizeStatus(record.status),
			...(record.error ? { platform_error: record.error } : {}),
		};
	}
}

export function readWaitSettings(context: IExecuteFunctions, itemIndex: number): WaitSettings {
	const options = context.getNodeParameter('options', itemIndex, {}) as {
		timeout?: number;
		pollInterval?: number;
		returnOnReview?: boolean;
	};
	return {
		timeoutSeconds: options.timeout ?? defaultTimeoutSeconds(context),
		pollIntervalSeconds: options.pollInterval ?? 5,
		returnOnReview: options.returnOnReview ?? true,
	};
}

/** `agentId`: today's platform finds an execution through its agent (graph) ID. */
export async function getExecution(
	this: PlatformContext,
	executionId: string,
	itemIndex: number,
	agentId?: string,
): Promise<ExecutionRecord> {
	if ((await profileOf(this)) === 'liveV1') {
		// only a node's run reaches today's platform: Wait Mode Webhook, the other context here,
		// needs the OAuth2 credential, which today's platform does not offer
		return await getGraphExecution.call(this as IExecuteFunctions, executionId, itemIndex, agentId);
	}
	return await platformRequest.call(this, executionRecord, {
		method: 'GET',
		path: `/executions/${encodeURIComponent(executionId)}`,
		action: `Could not get execution ${executionId}`,
		itemIndex,
	});
}

/**
 * Polls one execution until it ends. A completed run returns its record; a failed or terminated
 * one throws a NodeApiError naming the execution and the platform's error.
 */
export async function waitForExecution(
	this: IExecuteFunctions,
	executionId: string,
	itemIndex: number,
	settings: WaitSettings,
	run: WaitingRun,
	agentId?: string,
): Promise<IDataObject> {
	const startedAt = Date.now();
	const deadline = startedAt + settings.timeoutSeconds * 1000;
	const cancelSignal = this.getExecutionCancelSignal?.();
	let lastStatus = 'queued';
	run.waiting++;
	try {
		for (;;) {
			const pollIntervalMs = settings.pollIntervalSeconds * 1000;
			const delay = Math.max(
				nextPollDelayMs(Date.now() - startedAt, pollIntervalMs),
				await statusCheckFloorMs.call(this, run.waiting, pollIntervalMs),
			);
			if (Date.now() + delay > deadline) break;
			await sleep(delay);
			if (run.stopped || cancelSignal?.aborted) {
				const remedy =
					'The agent run goes on in AutoGPT: continue with Execution → Wait and this execution ID.';
				throw new NodeOperationError(
					this.getNode(),
					`Stopped waiting for execution ${executionId}: the workflow run was cancelled or another item failed. ${remedy}`,
					{ itemIndex, description: remedy },
				);
			}
			const record = (await getExecution.call(
				this,
				executionId,
				itemIndex,
				agentId,
			)) as IDataObject & ExecutionRecord;
			if (agentId && record.agent_id === undefined) record.agent_id = agentId;
			lastStatus = record.status;
			if (isTerminalStatus(record.status)) {
				if (isSuccessStatus(record.status)) return record;
				throw new AgentRunEnded(this.getNode(), executionId, record, itemIndex, agentId);
			}
			if (settings.returnOnReview && isReviewStatus(record.status)) return record;
		}
	} finally {
		run.waiting--;
	}
	throw new ExecutionStillRunning(
		this.getNode(),
		executionId,
		lastStatus,
		settings.timeoutSeconds,
		itemIndex,
		agentId,
	);
}
