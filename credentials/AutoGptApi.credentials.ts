import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AutoGptApi implements ICredentialType {
	name = 'autoGptApi';

	displayName = 'AutoGPT API';

	icon: Icon = { light: 'file:autogpt.svg', dark: 'file:autogpt.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-autogpt/n8n-nodes-autogpt#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'agpt_…',
			description: 'An AutoGPT API key, created in the platform under Settings → API Keys',
		},
		{
			displayName: 'Platform URL',
			name: 'platformUrl',
			type: 'string',
			default: 'https://platform.agpt.co',
			required: true,
			description: 'Address of the AutoGPT Platform. Change it for a self-hosted platform.',
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

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-API-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.apiUrl || $credentials.platformUrl + "/api/external/v1"}}',
			url: '/executions/capabilities',
		},
	};
}
