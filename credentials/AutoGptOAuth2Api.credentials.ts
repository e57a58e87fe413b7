import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import { platformUrlProperties } from './platformUrls';

const DEFAULT_SCOPES =
	'openid profile email agents:execute integrations:list integrations:connect integrations:delete';

export class AutoGptOAuth2Api implements ICredentialType {
	name = 'autoGptOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'AutoGPT OAuth2 API';

	icon: Icon = { light: 'file:autogpt.svg', dark: 'file:autogpt.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-autogpt/n8n-nodes-autogpt#credentials';

	properties: INodeProperties[] = [
		{
			// n8n sends the token request form-encoded; today's platform.agpt.co reads JSON only.
			displayName:
				"For today's platform.agpt.co use the AutoGPT API credential with an API key instead: n8n's OAuth2 sign-in cannot complete against it.",
			name: 'todayNotice',
			type: 'notice',
			default: '',
		},
		...platformUrlProperties,
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'pkce',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			// A Platform URL typed with a trailing slash must not give `//oauth/…`.
			default: '={{$self["platformUrl"].replace(/\\/+$/, "")}}/oauth/authorize',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{$self["platformUrl"].replace(/\\/+$/, "")}}/oauth/token',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: DEFAULT_SCOPES,
			description:
				'Space-separated scopes to request. The default covers every operation of the AutoGPT nodes.',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			// The platform reads client_id and client_secret from the form body, never from HTTP Basic.
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"The OAuth client's webhook secret. Only needed by the AutoGPT Trigger in Manual registration, to verify deliveries sent to an execution's webhook URL.",
		},
	];
}
