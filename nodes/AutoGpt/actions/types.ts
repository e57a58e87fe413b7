import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

export type OperationResult = IDataObject | IDataObject[];

/** What the items of one node run that wait for executions share. */
export interface WaitingRun {
	/** Set by the router when one item failed and the run stops. */
	stopped: boolean;
	/** How many executions are being waited for right now: they share the read budget. */
	waiting: number;
}

/**
 * An operation file: its parameters and its code, run once per item. Only the operations that wait
 * for executions (they export `waits = true`) are handed the run's shared state.
 */
export type Operation =
	| {
			description: INodeProperties[];
			waits?: undefined;
			execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult>;
	  }
	| {
			description: INodeProperties[];
			waits: true;
			execute(
				this: IExecuteFunctions,
				itemIndex: number,
				run: WaitingRun,
			): Promise<OperationResult>;
	  };
