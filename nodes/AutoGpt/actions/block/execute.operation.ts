import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { unwrapSingleValues } from '../../helpers/simplify';
import { executeBlock } from '../../transport/profiles/liveV1';
import { readInputs } from '../agent/execute.operation';
import { inputProperties } from '../inputs';
import { blockIdField, readBlockId } from './blockId';

const properties: INodeProperties[] = [
	blockIdField,
	...inputProperties({
		name: "Name of the block's input, as listed by Block → Get Many",
		json: 'An object mapping each input of the block to its value, e.g. {"operation": "Add", "a": 1, "b": 2}',
	}),
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to unwrap outputs that have a single value ({"result": 3} instead of {"result": [3]})',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['block'], operation: ['execute'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const blockId = readBlockId.call(this, itemIndex);
	const outputs = await executeBlock.call(
		this,
		blockId,
		readInputs.call(this, itemIndex),
		itemIndex,
	);
	return {
		block_id: blockId,
		outputs: this.getNodeParameter('simplify', itemIndex, true)
			? unwrapSingleValues(outputs as IDataObject)
			: outputs,
	};
}
