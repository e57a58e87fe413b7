import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { refusalFor } from './availability';
import { errorItemJson, type ItemError } from './itemError';
import { resources } from './resources';
import { boundForModel, isToolUse, stillRunningAnswer } from './toolUse';
import type { OperationResult, WaitingRun } from './types';
type Outcome =
	| { itemIndex: number; result: OperationResult }
	| { itemIndex: number; error: ItemError };

/**
 * The one loop over items. Items run concurrently (waiting for many executions takes as long as
 * the slowest, not the sum; the transport's rate budget keeps them within the platform's limits),
 * and results come back in item order, each paired with its input item.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const selected = resources[resource]?.operations[operation];
	if (!selected) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported: choose a Resource and an Operation from their lists`,
		);
	}
	const refusal = await refusalFor(this, resource, operation);
	const continueOnFail = this.continueOnFail();
	const toolUse = isToolUse(this);
	const run: WaitingRun = { stopped: false, waiting: 0 };
	// Without Continue On Fail the first failure stops the run; the items it stops fail after it.
	let firstFailure: ItemError | undefined;

	const outcomes = await Promise.all(
		items.map(async (_item, itemIndex): Promise<Outcome> => {
			try {
				if (refusal) throw refusal(itemIndex);
				const result = selected.waits
					? await selected.execute.call(this, itemIndex, run)
					: await selected.execute.call(this, itemIndex);
				return { itemIndex, result };
			} catch (error) {
				const answer = toolUse ? stillRunningAnswer(error) : undefined;
				if (answer) return { itemIndex, result: answer };
				const itemError = withItemIndex(this, error, itemIndex);
				if (!continueOnFail && !run.stopped) {
					run.stopped = true;
					firstFailure = itemError;
				}
				return { itemIndex, error: itemError };
			}
		}),
	);
	if (firstFailure) throw firstFailure;

	const returnData: INodeExecutionData[] = [];
	for (const outcome of outcomes) {
		const pairedItem = { item: outcome.itemIndex };
		if ('error' in outcome) {
			returnData.push({ json: errorItemJson(outcome.error), pairedItem });
			continue;
		}
		const results = Array.isArray(outcome.result) ? outcome.result : [outcome.result];
		for (const json of results) returnData.push({ json, pairedItem });
	}
	return [toolUse ? boundForModel(this, returnData) : returnData];
}

function withItemIndex(context: IExecuteFunctions, error: unknown, itemIndex: number): ItemError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}
