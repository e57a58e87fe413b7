import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** Shared by the items of one node run: set when one item failed and the run stops. */
export interface RunState {
	stopped: boolean;
}

export interface Operation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number, run: RunState): Promise<IDataObject | IDataObject[]>;
}
