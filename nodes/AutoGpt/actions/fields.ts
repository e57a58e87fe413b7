// Parameters that several operations show in the same words.
import type { INodeProperties } from 'n8n-workflow';

export const executionIdField: INodeProperties = {
	displayName: 'Execution ID',
	name: 'executionId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 0c1d2e3f-…',
	description: 'The execution_id returned by Execute Agent',
};

export const simplifyField: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return only the execution ID, status, outputs (one-value lists unwrapped) and error instead of the full record',
};

export const waitOptions: INodeProperties[] = [
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		description: 'How long to wait for the execution to finish before giving up with an error',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 0.25, numberPrecision: 2 },
		default: 5,
		description:
			'Longest time between two status checks. Checks start more often and slow down to this as the run goes on.',
	},
	{
		displayName: 'Return on Review',
		name: 'returnOnReview',
		type: 'boolean',
		default: true,
		description:
			'Whether to return as soon as the agent stops for a human review (status REVIEW) instead of waiting until the timeout',
	},
];
