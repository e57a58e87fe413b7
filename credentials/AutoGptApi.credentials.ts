import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { platformUrlProperties } from './platformUrls';

// The credential test repeats the transport's rule (nodes/AutoGpt/transport/profiles) of which API
// the credential reaches: today's AutoGPT (platform.agpt.co, or an External API URL ending in
// /external-api) answers GET /v1/me; a platform with OAuth apps GET /executions/capabilities.
// (n8n's expression sandbox has no String(): `"" + value` converts.)
const API_URL = '("" + ($credentials.apiUrl || "")).trim().replace(/\\/+$/, "")';
const PLATFORM_URL =
	'("" + ($credentials.platformUrl || "https://platform.agpt.co")).trim().replace(/\\/+$/, "")';
const IS_AGPT = `${PLATFORM_URL}.toLowerCase() === "https://platform.agpt.co"`;
const IS_AUTOGPT = `($credentials.platform === "autogpt" || ($credentials.platform !== "oauthApps" && (${API_URL} ? /\\/external-api(\\/v1)?$/i.test(${API_URL}) : ${IS_AGPT})))`;
const AUTOGPT_TEST_URL = `(${API_URL} ? ${API_URL}.replace(/\\/v1$/i, "") : ${IS_AGPT} ? "https://backend.agpt.co/external-api" : ${PLATFORM_URL} + "/external-api") + "/v1/me"`;
const OAUTH_APPS_TEST_URL = `(${API_URL} || ${PLATFORM_URL} + "/api/external/v1") + "/executions/capabilities"`;

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
			displayName: 'Platform',
			name: 'platform',
			type: 'options',
			default: 'auto',
			options: [
				{
					name: 'Automatic',
					value: 'auto',
					description:
						'AutoGPT as platform.agpt.co runs today when External API URL is empty (with the default Platform URL) or ends in /external-api; otherwise a platform with OAuth apps',
				},
				{
					name: 'AutoGPT (platform.agpt.co or Self-Hosted AutoGPT)',
					value: 'autogpt',
					description:
						'AutoGPT as it runs today: agents, blocks, the store, integration credentials',
				},
				{
					name: 'Platform With OAuth Apps and Credential Grants',
					value: 'oauthApps',
					description:
						'A platform that serves credential grants, connect links and webhook subscriptions',
				},
			],
			description: 'Which kind of AutoGPT platform the key belongs to',
		},
		...platformUrlProperties.map((property) =>
			property.name === 'apiUrl'
				? {
						...property,
						placeholder: 'https://backend.agpt.co/external-api',
						description:
							'Base address of the External API. Leave empty for platform.agpt.co. Self-hosted AutoGPT: its backend address followed by /external-api. A platform with OAuth apps: empty means the Platform URL followed by /api/external/v1.',
					}
				: property,
		),
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
			url: `={{ ${IS_AUTOGPT} ? ${AUTOGPT_TEST_URL} : ${OAUTH_APPS_TEST_URL} }}`,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'AutoGPT did not accept the API key: check it, or create a new one in AutoGPT under Settings → API Keys',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'AutoGPT accepted the key, but it lacks the permission this test needs (IDENTITY on platform.agpt.co): create a key with it under Settings → API Keys',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'Nothing answers at this address. For platform.agpt.co leave External API URL empty; for self-hosted AutoGPT enter its backend address followed by /external-api; for a platform with OAuth apps set Platform to it',
				},
			},
		],
	};
}
