// The node's resources: each folder holds its operation menu (index.ts) beside its operations, so
// adding an operation touches one folder.
import type { INodeProperties } from 'n8n-workflow';

import * as account from './account';
import * as agent from './agent';
import * as block from './block';
import * as connect from './connect';
import * as execution from './execution';
import * as grant from './grant';
import * as integrationCredential from './integrationCredential';
import * as store from './store';
import type { Operation } from './types';

/** resource → operation → its parameters and its code. */
export const resources: Record<string, { operations: Record<string, Operation> }> = {
	account,
	agent,
	block,
	connect,
	execution,
	grant,
	integrationCredential,
	store,
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
			{ name: 'Block', value: 'block' },
			{ name: 'Connect', value: 'connect' },
			{ name: 'Execution', value: 'execution' },
			{ name: 'Grant', value: 'grant' },
			{ name: 'Integration Credential', value: 'integrationCredential' },
			{ name: 'Store', value: 'store' },
		],
		default: 'agent',
	},
	...agent.description,
	...execution.description,
	...grant.description,
	...account.description,
	...connect.description,
	...block.description,
	...store.description,
	...integrationCredential.description,
];
