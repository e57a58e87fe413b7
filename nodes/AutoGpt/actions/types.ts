import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** Shared by the items of one node run. */
export interface RunState {
	/** Set when one item failed and the run stops. */
	stopped: boolean;
	/** How many executions are being waited for right now: they share the read budget. */
	waiting: number;
}

export interface Operation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number, run: RunState): Promise<IDataObject | IDataObject[]>;
}
