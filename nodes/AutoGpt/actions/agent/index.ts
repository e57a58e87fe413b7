import type { INodeProperties } from 'n8n-workflow';

import { AGENT_ID_GUIDE, fromAi, INPUTS_GUIDE, withToolDefaults } from '../toolUse';
import * as execute from './execute.operation';

export const operations = { execute };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agent'] } },
		options: [
			{
				name: 'Execute',
				value: 'execute',
				description: 'Run an agent, and optionally wait for its outputs',
				action: 'Execute an agent',
			},
		],
		default: 'execute',
	},
	// As a tool: the model gives the agent and its inputs, each described in the schema it receives.
	...withToolDefaults(execute.description, {
		agent: {
			default: { __rl: true, mode: 'id', value: fromAi('agent_id', AGENT_ID_GUIDE, 'string') },
		},
		inputSource: { default: 'json' },
		inputsJson: { default: fromAi('inputs', INPUTS_GUIDE, 'json') },
	}),
];
