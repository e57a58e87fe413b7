import type { IDataObject } from 'n8n-workflow';

import { normalizeStatus } from './status';

/**
 * The few fields most workflows use from an execution record: outputs with one-element lists
 * unwrapped (`{answer: ["hi"]}` becomes `{answer: "hi"}`), the status in lower case.
 */
export function simplifyExecution(record: IDataObject): IDataObject {
	const simplified: IDataObject = {
		execution_id: record.execution_id,
		status: typeof record.status === 'string' ? normalizeStatus(record.status) : record.status,
	};
	if (record.agent_id !== undefined) simplified.agent_id = record.agent_id;
	if (record.outputs && typeof record.outputs === 'object') {
		simplified.outputs = unwrapSingleValues(record.outputs as IDataObject);
	}
	if (record.error) simplified.error = record.error;
	// Today's platform: blocks that reported errors, also in a run that completed.
	if (record.block_errors) simplified.block_errors = record.block_errors;
	return simplified;
}

/** `{answer: ["hi"], list: [1, 2]}` becomes `{answer: "hi", list: [1, 2]}`. */
export function unwrapSingleValues(outputs: IDataObject): IDataObject {
	const unwrapped: IDataObject = {};
	for (const [name, values] of Object.entries(outputs)) {
		unwrapped[name] =
			Array.isArray(values) && values.length === 1 ? (values[0] as IDataObject) : values;
	}
	return unwrapped;
}
