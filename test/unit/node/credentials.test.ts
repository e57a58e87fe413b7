// The credential definitions as n8n uses them, read from the credential classes (hidden fields,
// defaults, expressions): the API key's Test button, and the OAuth2 Connect flow with its token
// exchange. A change to a credential definition fails here in milliseconds.
/* eslint-disable @n8n/community-nodes/no-restricted-imports -- n8n's own OAuth2 client, as n8n runs the flow */
import { ClientOAuth2 } from '@n8n/client-oauth2';
import nock from 'nock';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { AutoGptApi } from '../../../credentials/AutoGptApi.credentials';
import { AutoGptOAuth2Api } from '../../../credentials/AutoGptOAuth2Api.credentials';
import { AutoGpt } from '../../../nodes/AutoGpt/AutoGpt.node';
import { AutoGptTrigger } from '../../../nodes/AutoGpt/AutoGptTrigger.node';
import {
	apiKeyCredentials,
	credentialProperties,
	credentialType,
	oauthCredentials,
	resolveCredential,
	resolveWithCredentials,
	TestCredentialsHelper,
} from '../../helpers/workflow';

const REDIRECT_URI = 'https://n8n.example.com/rest/oauth2-credential/callback';

beforeEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());

/**
 * n8n's Test button for a credential with a `test.request` (its credentials tester): the request's
 * expressions resolved with the credential, the credential's authentication applied, and the
 * credential accepted when the answer is a 2xx; otherwise the message of the first `responseCode`
 * rule for the status, as n8n 2.40 shows it (services/credentials-tester.service.js).
 */
async function pressTest(type: string, entered: ICredentialDataDecryptedObject) {
	const credentials = resolveCredential(type, entered);
	const { request } = credentialType(type).test!;
	const url =
		resolveWithCredentials(String(request.baseURL ?? ''), credentials) +
		resolveWithCredentials(String(request.url ?? ''), credentials);
	const options = await new TestCredentialsHelper({}).authenticate(credentials, type, {
		url,
		method: request.method ?? 'GET',
		headers: {},
	});
	const response = await fetch(options.url, {
		method: options.method,
		headers: options.headers as Record<string, string>,
	});
	if (response.ok) return 'accepted';
	const rule = (credentialType(type).test!.rules ?? []).find(
		(candidate) =>
			candidate.type === 'responseCode' && candidate.properties.value === response.status,
	);
	return rule ? `refused: ${rule.properties.message}` : `refused (${response.status})`;
}

describe('AutoGPT API credential: the Test button', () => {
	test("asks today's platform.agpt.co for the key's account, at the default platform", async () => {
		const scope = nock('https://backend.agpt.co', { reqheaders: { 'x-api-key': 'agpt_k1' } })
			.get('/external-api/v1/me')
			.reply(200, { user_id: 'u', email: 'u@example.com' });
		expect(await pressTest('autoGptApi', { apiKey: 'agpt_k1' })).toBe('accepted');
		expect(scope.isDone()).toBe(true);
	});

	test('on a platform with OAuth apps, asks the External API URL for the capabilities, and reports a refused key', async () => {
		nock('https://api.self.hosted')
			.get('/api/external/v1/executions/capabilities')
			.reply(401, { detail: 'Invalid API key' });
		expect(
			await pressTest('autoGptApi', {
				...apiKeyCredentials(
					'agpt_k2',
					'https://self.hosted',
					'https://api.self.hosted/api/external/v1',
				),
				platform: 'oauthApps',
			}),
		).toBe(
			'refused: AutoGPT did not accept the API key: check it, or create a new one in AutoGPT under Settings → API Keys',
		);
	});

	test('a key without the IDENTITY permission, and an address where nothing answers, each say what to do', async () => {
		nock('https://backend.agpt.co').get('/external-api/v1/me').reply(403, { detail: 'Forbidden' });
		expect(await pressTest('autoGptApi', { apiKey: 'agpt_k4' })).toBe(
			'refused: AutoGPT accepted the key, but it lacks the permission this test needs (IDENTITY on platform.agpt.co): create a key with it under Settings → API Keys',
		);
		nock('https://wrong.example').get('/external-api/v1/me').reply(404, { detail: 'Not Found' });
		expect(
			await pressTest(
				'autoGptApi',
				apiKeyCredentials(
					'agpt_k5',
					'https://platform.agpt.co',
					'https://wrong.example/external-api',
				),
			),
		).toBe(
			'refused: Nothing answers at this address. For platform.agpt.co leave External API URL empty; for self-hosted AutoGPT enter its backend address followed by /external-api; for a platform with OAuth apps set Platform to it',
		);
		nock('https://backend.agpt.co').get('/external-api/v1/me').reply(500, {});
		expect(await pressTest('autoGptApi', { apiKey: 'agpt_k6' })).toBe('refused (500)');
	});

	test('each choice of Platform reaches the API it names, whatever the addresses suggest', async () => {
		const platform = credentialProperties('autoGptApi').find((field) => field.name === 'platform')!;
		// the values saved credentials hold: the transport and the test request read them
		expect(platform.default).toBe('auto');
		expect(platform.options?.map((option) => (option as { value: string }).value)).toEqual([
			'auto',
			'autogpt',
			'oauthApps',
		]);
		nock('https://self.hosted').get('/external-api/v1/me').reply(200, {});
		expect(
			await pressTest('autoGptApi', {
				...apiKeyCredentials('agpt_k7', 'https://self.hosted'),
				platform: 'autogpt',
			}),
		).toBe('accepted');
		nock('https://self.hosted')
			.get('/api/external/v1/executions/capabilities')
			.reply(200, { user_id: 'u', grants: [], available_scopes: [] });
		expect(
			await pressTest('autoGptApi', {
				...apiKeyCredentials('agpt_k8', 'https://self.hosted', ''),
				platform: 'auto',
			}),
		).toBe('accepted');
	});

	test('a Platform URL typed with a trailing slash gives the same request', async () => {
		nock('https://self.hosted')
			.get('/api/external/v1/executions/capabilities')
			.reply(200, { user_id: 'u', grants: [], available_scopes: [] });
		expect(
			await pressTest('autoGptApi', apiKeyCredentials('agpt_k3', 'https://self.hosted/')),
		).toBe('accepted');
	});

	test('asks for the key first, empty and required; the External API URL says where today’s API is', () => {
		const fields = credentialProperties('autoGptApi');
		expect(fields[0]).toMatchObject({ name: 'apiKey', default: '', required: true });
		const apiUrl = fields.find((field) => field.name === 'apiUrl')!;
		expect(apiUrl).toMatchObject({
			default: '',
			placeholder: 'https://backend.agpt.co/external-api',
			description: expect.stringContaining('/external-api'),
		});
		// the Platform URL field is the one both credentials share
		expect(fields.find((field) => field.name === 'platformUrl')).toEqual(
			credentialProperties('autoGptOAuth2Api').find((field) => field.name === 'platformUrl'),
		);
	});

	test('keeps the key out of sight in the credential dialog', () => {
		const secrets = credentialProperties('autoGptApi').filter((field) => field.name === 'apiKey');
		expect(secrets.map((field) => field.typeOptions?.password)).toEqual([true]);
		expect(
			credentialProperties('autoGptOAuth2Api')
				.filter((field) => field.name === 'webhookSecret')
				.map((field) => field.typeOptions?.password),
		).toEqual([true]);
	});
});

describe('AutoGPT OAuth2 API credential: Connect my account, as n8n 2.40 runs it', () => {
	// n8n's OAuthService.generateAOauth2AuthUri and OAuth2CredentialController.handleCallback, with
	// n8n's own OAuth2 client: PKCE when the grant type says so, client credentials in the body
	// when the authentication says so.
	const entered = oauthCredentials({
		platformUrl: 'https://self.hosted/',
		clientId: 'client-1',
		clientSecret: 'client-secret-1',
		accessToken: '',
	});
	delete entered.oauthTokenData;

	function oauthClient(credentials: ICredentialDataDecryptedObject) {
		const scope = String(credentials.scope ?? 'openid');
		return new ClientOAuth2({
			clientId: String(credentials.clientId),
			clientSecret: String(credentials.clientSecret ?? ''),
			accessTokenUri: String(credentials.accessTokenUrl ?? ''),
			authorizationUri: String(credentials.authUrl ?? ''),
			authentication: (credentials.authentication as 'body' | 'header') ?? 'header',
			redirectUri: REDIRECT_URI,
			scopes: scope.split(scope.includes(',') ? ',' : ' '),
			scopesSeparator: scope.includes(',') ? ',' : ' ',
		});
	}

	test("opens the platform's consent page with a PKCE S256 challenge and every scope the nodes use", () => {
		const credentials = resolveCredential('autoGptOAuth2Api', entered);
		const pkce = credentials.grantType === 'pkce';
		const uri = new URL(
			oauthClient(credentials).code.getUri(
				pkce ? { query: { code_challenge: 'c', code_challenge_method: 'S256' } } : {},
			),
		);
		expect(`${uri.origin}${uri.pathname}`).toBe('https://self.hosted/oauth/authorize');
		expect(uri.searchParams.get('code_challenge_method')).toBe('S256');
		expect(uri.searchParams.get('scope')).toBe(
			'openid profile email agents:execute integrations:list integrations:connect integrations:delete',
		);
		expect(uri.searchParams.get('client_id')).toBe('client-1');
	});

	test('exchanges the code at the token URL with the verifier and the client credentials in the form body', async () => {
		const credentials = resolveCredential('autoGptOAuth2Api', entered);
		const verifier = 'v'.repeat(43);
		const body: Record<string, string> = {};
		if (credentials.grantType === 'pkce') body.code_verifier = verifier;
		const client = { ...credentials };
		if (credentials.authentication === 'body') {
			body.client_id = String(credentials.clientId);
			body.client_secret = String(credentials.clientSecret);
			delete client.clientSecret;
		}
		let form = new URLSearchParams();
		let authorization: string | undefined;
		nock('https://self.hosted')
			.post('/oauth/token', (sent: Record<string, string>) => {
				form = new URLSearchParams(sent);
				return true;
			})
			.reply(function () {
				authorization = this.req.headers.authorization as string | undefined;
				return [200, { access_token: 'a-1', refresh_token: 'r-1', token_type: 'Bearer' }];
			});
		const token = await oauthClient(client).code.getToken(`${REDIRECT_URI}?code=code-1&state=s`, {
			body,
		});
		expect(token.accessToken).toBe('a-1');
		expect(Object.fromEntries(form)).toMatchObject({
			grant_type: 'authorization_code',
			code: 'code-1',
			code_verifier: verifier,
			client_id: 'client-1',
			client_secret: 'client-secret-1',
		});
		expect(authorization ?? '').not.toMatch(/^Basic/i);
	});
});

test('the nodes ask for the credentials by the names the credential classes declare', () => {
	// n8n finds a node's credential type by the `name` of the credential class it loaded
	const declared = [new AutoGptApi().name, new AutoGptOAuth2Api().name];
	for (const node of [new AutoGpt(), new AutoGptTrigger()]) {
		const asked = (node.description.credentials ?? []).map((credential) => credential.name);
		expect(asked.sort()).toEqual(declared.sort());
	}
});
