import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { platformUrlProperties } from './platformUrls';

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
		...platformUrlProperties,
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
			// as the nodes resolve it (transport/urls.ts): trailing slashes dropped
			baseURL:
				'={{($credentials.apiUrl || $credentials.platformUrl.replace(/\\/+$/, "") + "/api/external/v1").replace(/\\/+$/, "")}}',
			url: '/executions/capabilities',
		},
	};
}
