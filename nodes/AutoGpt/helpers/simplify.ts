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
		const outputs: IDataObject = {};
		for (const [name, values] of Object.entries(record.outputs as IDataObject)) {
			outputs[name] =
				Array.isArray(values) && values.length === 1 ? (values[0] as IDataObject) : values;
		}
		simplified.outputs = outputs;
	}
	if (record.error) simplified.error = record.error;
	return simplified;
}
