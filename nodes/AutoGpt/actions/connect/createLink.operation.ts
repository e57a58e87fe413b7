import { randomBytes } from 'crypto';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { parseHttpUrl } from '../../helpers/httpUrl';
import { PROVIDER_SCOPES } from '../../helpers/providers';
import { credentialTypeOf } from '../../transport';
import { buildConnectUrl, resolvePlatformUrls } from '../../transport/urls';

const properties: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		required: true,
		default: 'google',
		options: Object.keys(PROVIDER_SCOPES).map((provider) => ({
			name: provider.charAt(0).toUpperCase() + provider.slice(1),
			value: provider,
		})),
		description: 'The service whose account the end user connects',
	},
	{
		displayName: 'Scope Names or IDs',
		name: 'scopes',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getProviderScopes', loadOptionsDependsOn: ['provider'] },
		default: [],
		description:
			'Integration scopes to ask for. Leave empty to ask for every scope of the provider. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Redirect Origin',
		name: 'redirectOrigin',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://app.example.com',
		description:
			'Origin of the page that opens the link in a popup: the connect page posts its result (autogpt_connect_result) to this origin',
	},
	{
		displayName: 'Nonce',
		name: 'nonce',
		type: 'string',
		default: '',
		description:
			'Value echoed back in the result, to match it to this link. Leave empty to generate one.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['connect'], operation: ['createLink'] } },
	properties,
);

function readOrigin(this: IExecuteFunctions, itemIndex: number): string {
	const value = (this.getNodeParameter('redirectOrigin', itemIndex, '') as string).trim();
	const url = parseHttpUrl(value);
	if (!url) {
		throw new NodeOperationError(
			this.getNode(),
			`Redirect Origin "${value}" is not a valid origin: enter the scheme and host of your page, e.g. https://app.example.com`,
			{
				itemIndex,
				description: 'Enter the scheme and host of your page, e.g. https://app.example.com',
			},
		);
	}
	return url.origin;
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	if (credentialTypeOf(this) !== 'autoGptOAuth2Api') {
		throw new NodeOperationError(
			this.getNode(),
			'Create Connect Link needs the AutoGPT OAuth2 credential: switch Authentication to OAuth2',
			{
				itemIndex,
				description:
					'A connect link names the OAuth client that receives the grant. Switch Authentication to OAuth2.',
			},
		);
	}
	const credentials = await this.getCredentials('autoGptOAuth2Api');
	const provider = this.getNodeParameter('provider', itemIndex) as string;
	const known = PROVIDER_SCOPES[provider];
	if (!known) {
		const providers = `Use one of: ${Object.keys(PROVIDER_SCOPES).join(', ')}.`;
		throw new NodeOperationError(this.getNode(), `Unknown provider "${provider}". ${providers}`, {
			itemIndex,
			description: providers,
		});
	}
	const chosen = this.getNodeParameter('scopes', itemIndex, []) as string[];
	const unknownScope = chosen.find((scope) => !known.includes(scope));
	if (unknownScope) {
		throw new NodeOperationError(
			this.getNode(),
			`Scope "${unknownScope}" does not belong to ${provider}: choose among ${known.join(', ')}`,
			{
				itemIndex,
				description: `Scopes of ${provider}: ${known.join(', ')}.`,
			},
		);
	}
	const scopes = chosen.length ? chosen : known;
	const nonce =
		(this.getNodeParameter('nonce', itemIndex, '') as string).trim() ||
		randomBytes(16).toString('hex');
	const url = buildConnectUrl({
		platformUrl: resolvePlatformUrls(credentials).platformUrl,
		provider,
		clientId: String(credentials.clientId ?? ''),
		scopes,
		nonce,
		redirectOrigin: readOrigin.call(this, itemIndex),
	});
	return { url, nonce, provider, scopes };
}
