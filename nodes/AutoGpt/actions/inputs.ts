// Inputs given as name/value fields or as one JSON object: an agent's (Agent → Execute) and a
// block's (Block → Execute) are entered alike and read by the same function (readInputs).
import type { INodeProperties } from 'n8n-workflow';

export function inputProperties(descriptions: { name: string; json: string }): INodeProperties[] {
	return [
		{
			displayName: 'Define Inputs',
			name: 'inputSource',
			type: 'options',
			default: 'fields',
			options: [
				{ name: 'Using Fields Below', value: 'fields' },
				{ name: 'Using JSON', value: 'json' },
			],
		},
		{
			displayName: 'Inputs',
			name: 'inputFields',
			type: 'fixedCollection',
			placeholder: 'Add Input',
			typeOptions: { multipleValues: true },
			default: {},
			displayOptions: { show: { inputSource: ['fields'] } },
			options: [
				{
					displayName: 'Input',
					name: 'input',
					values: [
						{
							displayName: 'Name',
							name: 'name',
							type: 'string',
							default: '',
							description: descriptions.name,
						},
						{
							displayName: 'Value',
							name: 'value',
							type: 'string',
							default: '',
						},
					],
				},
			],
		},
		{
			displayName: 'Inputs (JSON)',
			name: 'inputsJson',
			type: 'json',
			default: '{}',
			displayOptions: { show: { inputSource: ['json'] } },
			description: descriptions.json,
		},
	];
}
