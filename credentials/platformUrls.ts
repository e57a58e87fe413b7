import type { INodeProperties } from 'n8n-workflow';

/** The two addresses both AutoGPT credentials let a self-hosting user override. */
export const platformUrlProperties: INodeProperties[] = [
	{
		displayName: 'Platform URL',
		name: 'platformUrl',
		type: 'string',
		default: 'https://platform.agpt.co',
		required: true,
		description:
			'Address of the AutoGPT Platform (its OAuth and connect pages). Change it for a self-hosted platform.',
	},
	{
		displayName: 'External API URL',
		name: 'apiUrl',
		type: 'string',
		default: '',
		placeholder: 'https://platform.agpt.co/api/external/v1',
		description:
			'Base address of the External API. Leave empty to use the Platform URL followed by /api/external/v1.',
	},
];
