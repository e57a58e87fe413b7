// How a node picks its credential: one `authentication` parameter, one credential per choice.
// Both nodes use these, and the transport reads the same parameter to pick the credential.
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'OAuth2', value: 'oAuth2' },
		{ name: 'API Key', value: 'apiKey' },
	],
	default: 'oAuth2',
};

export const credentialChoices: INodeCredentialDescription[] = [
	{
		name: 'autoGptOAuth2Api',
		required: true,
		displayOptions: { show: { authentication: ['oAuth2'] } },
	},
	{
		name: 'autoGptApi',
		required: true,
		displayOptions: { show: { authentication: ['apiKey'] } },
	},
];
