// The node's resources: each folder holds its operation menu (index.ts) beside its operations, so
// adding an operation touches one folder.
import type { INodeProperties } from 'n8n-workflow';

import * as account from './account';
import * as agent from './agent';
import * as connect from './connect';
import * as execution from './execution';
import * as grant from './grant';
import type { Operation } from './types';

/** resource → operation → its parameters and its code. */
export const resources: Record<string, { operations: Record<string, Operation> }> = {
	account,
	agent,
	connect,
	execution,
	grant,
};

export const resourceProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Account', value: 'account' },
			{ name: 'Agent', value: 'agent' },
			{ name: 'Connect', value: 'connect' },
			{ name: 'Execution', value: 'execution' },
			{ name: 'Grant', value: 'grant' },
		],
		default: 'agent',
	},
	...agent.description,
	...execution.description,
	...grant.description,
	...account.description,
	...connect.description,
];
