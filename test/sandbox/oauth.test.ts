// Contract §2: the OAuth 2.0 provider (authorization code + PKCE), over raw HTTP.
import type { Sandbox } from './server';
import {
	admin,
	approveAndGetCode,
	authorizeUrl,
	bearer,
	call,
	getTokens,
	pkce,
	postForm,
	postJson,
	REDIRECT_URI,
	startTestSandbox,
} from './testkit';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startTestSandbox({
		client: { redirectUris: ['https://app.example.com/oauth/callback'] },
	});
});
afterAll(() => sandbox.stop());
afterEach(() => admin(sandbox, 'POST', 'reset'));

const tokenUrl = () => `${sandbox.url}/oauth/token`;
const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
	postForm(tokenUrl(), {
		grant_type: 'authorization_code',
		code,
		redirect_uri: REDIRECT_URI,
		client_id: sandbox.info.clientId,
		client_secret: sandbox.info.clientSecret,
		code_verifier: verifier,
		...extra,
	});
const refresh = (token: string) =>
	postForm(tokenUrl(), {
		grant_type: 'refresh_token',
		refresh_token: token,
		client_id: sandbox.info.clientId,
		client_secret: sandbox.info.clientSecret,
	});

describe('§2 authorize page', () => {
	it('shows a consent page with Approve and Deny buttons that post back', async () => {
		const page = await call(authorizeUrl(sandbox));
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toMatch(/^text\/html/);
		expect(page.text).toMatch(/<form method="post" action="\/oauth\/authorize\/consent"/);
		expect(page.text).toMatch(/<button[^>]*id="approve"[^>]*>Approve<\/button>/);
		expect(page.text).toMatch(/<button[^>]*id="deny"[^>]*>Deny<\/button>/);
		expect(page.text).toContain('agents:execute');
	});

	it('approve redirects with code and state', async () => {
		const page = await call(authorizeUrl(sandbox));
		const consentToken = /name="consent_token" value="([^"]+)"/.exec(page.text)![1];
		const answer = await postForm(`${sandbox.url}/oauth/authorize/consent`, {
			consent_token: consentToken,
			authorize: 'true',
		});
		expect(answer.status).toBe(302);
		const location = new URL(answer.headers.get('location')!);
		expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
		expect(location.searchParams.get('code')).toBeTruthy();
		expect(location.searchParams.get('state')).toBe('state-123');
		// The consent form is single-use.
		const again = await postForm(`${sandbox.url}/oauth/authorize/consent`, {
			consent_token: consentToken,
			authorize: 'true',
		});
		expect(again.status).toBe(400);
		expect(again.text).toContain('Invalid Request');
	});

	it('deny redirects with access_denied, the description spelled with %20', async () => {
		const page = await call(authorizeUrl(sandbox));
		const consentToken = /name="consent_token" value="([^"]+)"/.exec(page.text)![1];
		const answer = await postForm(`${sandbox.url}/oauth/authorize/consent`, {
			consent_token: consentToken,
			authorize: 'false',
		});
		expect(answer.status).toBe(302);
		expect(answer.headers.get('location')).toBe(
			`${REDIRECT_URI}?error=access_denied&error_description=User%20denied%20access&state=state-123`,
		);
	});

	it('consent mode approve and deny answer at once', async () => {
		await admin(sandbox, 'POST', 'consent', { mode: 'approve' });
		const approved = await call(authorizeUrl(sandbox));
		expect(approved.status).toBe(302);
		expect(new URL(approved.headers.get('location')!).searchParams.get('code')).toBeTruthy();

		await admin(sandbox, 'POST', 'consent', { mode: 'deny' });
		const denied = await call(authorizeUrl(sandbox));
		expect(denied.status).toBe(302);
		expect(denied.headers.get('location')).toContain(
			'error=access_denied&error_description=User%20denied%20access',
		);
	});

	it('an unknown redirect_uri is a 400, never a redirect', async () => {
		const answer = await call(
			authorizeUrl(sandbox, { redirect_uri: 'https://evil.example.net/cb' }),
		);
		expect(answer.status).toBe(400);
		expect(answer.headers.get('location')).toBeNull();
	});

	it('accepts any loopback redirect URI and those of the config file', async () => {
		await admin(sandbox, 'POST', 'consent', { mode: 'approve' });
		for (const uri of [
			'http://localhost:1234/cb',
			'http://127.0.0.1:9/x/y',
			'https://app.example.com/oauth/callback',
		]) {
			const answer = await call(authorizeUrl(sandbox, { redirect_uri: uri }));
			expect(answer.status).toBe(302);
			expect(answer.headers.get('location')!.startsWith(`${uri}?code=`)).toBe(true);
		}
	});

	it('an unknown scope redirects with invalid_scope', async () => {
		const answer = await call(authorizeUrl(sandbox, { scope: 'openid launch:missiles' }));
		expect(answer.status).toBe(302);
		const location = new URL(answer.headers.get('location')!);
		expect(location.searchParams.get('error')).toBe('invalid_scope');
		expect(location.searchParams.get('state')).toBe('state-123');
	});

	it('missing client_id or code_challenge: "Invalid Request"; unknown client: "Application Not Found"', async () => {
		const noClient = await call(authorizeUrl(sandbox, { client_id: null }));
		expect(noClient.status).toBe(400);
		expect(noClient.text).toContain('Invalid Request');

		const noChallenge = await call(authorizeUrl(sandbox, { code_challenge: null }));
		expect(noChallenge.status).toBe(400);
		expect(noChallenge.text).toContain('Invalid Request');
		expect(noChallenge.headers.get('location')).toBeNull();

		const unknownClient = await call(authorizeUrl(sandbox, { client_id: 'agpt_client_nobody' }));
		expect(unknownClient.text).toContain('Application Not Found');
		expect(unknownClient.headers.get('location')).toBeNull();
	});

	it('accepts only S256', async () => {
		const answer = await call(authorizeUrl(sandbox, { code_challenge_method: 'plain' }));
		expect(answer.status).toBe(302);
		expect(new URL(answer.headers.get('location')!).searchParams.get('error')).toBe(
			'invalid_request',
		);
	});
});

describe('§2 token endpoint', () => {
	it('exchanges a code (form-encoded) for Bearer tokens', async () => {
		const { verifier, challenge } = pkce();
		const code = await approveAndGetCode(sandbox, authorizeUrl(sandbox, {}, challenge));
		const answer = await exchange(code, verifier);
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({
			access_token: expect.any(String),
			token_type: 'Bearer',
			expires_in: 3600,
			refresh_token: expect.any(String),
			scope:
				'openid profile email agents:execute integrations:list integrations:connect integrations:delete',
			id_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
		});
	});

	it('takes a JSON body too', async () => {
		const { verifier, challenge } = pkce();
		const code = await approveAndGetCode(sandbox, authorizeUrl(sandbox, {}, challenge));
		const answer = await postJson(tokenUrl(), {
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT_URI,
			client_id: sandbox.info.clientId,
			client_secret: sandbox.info.clientSecret,
			code_verifier: verifier,
		});
		expect(answer.status).toBe(200);
		expect(answer.json.token_type).toBe('Bearer');
	});

	it('never reads HTTP Basic: a client secret only there fails client authentication', async () => {
		const { verifier, challenge } = pkce();
		const code = await approveAndGetCode(sandbox, authorizeUrl(sandbox, {}, challenge));
		const basic = Buffer.from(`${sandbox.info.clientId}:${sandbox.info.clientSecret}`).toString(
			'base64',
		);
		const answer = await postForm(
			tokenUrl(),
			{
				grant_type: 'authorization_code',
				code,
				redirect_uri: REDIRECT_URI,
				code_verifier: verifier,
			},
			{ authorization: `Basic ${basic}` },
		);
		expect(answer.status).toBe(401);
		expect(answer.json.error).toBe('invalid_client');
	});

	it('rejects a wrong secret, a wrong verifier, a reused code and a different redirect_uri', async () => {
		const { verifier, challenge } = pkce();
		const code = await approveAndGetCode(sandbox, authorizeUrl(sandbox, {}, challenge));

		const wrongSecret = await exchange(code, verifier, { client_secret: 'nope' });
		expect(wrongSecret.status).toBe(401);
		expect(wrongSecret.json.error).toBe('invalid_client');

		const wrongVerifier = await exchange(code, pkce().verifier);
		expect(wrongVerifier.status).toBe(400);
		expect(wrongVerifier.json.error).toBe('invalid_grant');

		const otherRedirect = await exchange(code, verifier, {
			redirect_uri: 'http://localhost:1/other',
		});
		expect(otherRedirect.json.error).toBe('invalid_grant');

		expect((await exchange(code, verifier)).status).toBe(200);
		const reused = await exchange(code, verifier);
		expect(reused.status).toBe(400);
		expect(reused.json).toEqual({
			error: 'invalid_grant',
			error_description: expect.stringContaining('already been used'),
		});
	});

	it('codes live 10 minutes', async () => {
		const { verifier, challenge } = pkce();
		const code = await approveAndGetCode(sandbox, authorizeUrl(sandbox, {}, challenge));
		await admin(sandbox, 'POST', 'config', { clockOffsetSeconds: 601 });
		const answer = await exchange(code, verifier);
		expect(answer.status).toBe(400);
		expect(answer.json.error).toBe('invalid_grant');
		expect(answer.json.error_description).toMatch(/expired/);
	});

	it('refresh tokens rotate: the used one is revoked', async () => {
		const first = await getTokens(sandbox);
		const second = await refresh(first.refresh_token);
		expect(second.status).toBe(200);
		expect(second.json.refresh_token).not.toBe(first.refresh_token);
		expect(second.json.access_token).not.toBe(first.access_token);

		const replay = await refresh(first.refresh_token);
		expect(replay.status).toBe(400);
		expect(replay.json.error).toBe('invalid_grant');

		const tokens = (await admin(sandbox, 'GET', 'tokens')).json as Array<Record<string, unknown>>;
		const old = tokens.find((token) => token.token === first.refresh_token)!;
		expect(old.replaced_by).toBe(second.json.refresh_token);
		expect(old.active).toBe(false);

		expect((await refresh(second.json.refresh_token)).status).toBe(200);
	});

	it('with refreshTokenReuse revokeFamily, a rotated-out refresh token used again revokes its whole grant', async () => {
		await admin(sandbox, 'POST', 'config', { refreshTokenReuse: 'revokeFamily' });
		const first = await getTokens(sandbox);
		const other = await getTokens(sandbox); // another grant of the same user and client
		const second = await refresh(first.refresh_token);
		expect(second.status).toBe(200);
		const userinfo = async (accessToken: string) =>
			(await call(`${sandbox.url}/oauth/userinfo`, { headers: bearer(accessToken) })).status;
		expect(await userinfo(second.json.access_token)).toBe(200);

		// the rotated-out token, presented again (as a second concurrent refresh would)
		const reused = await refresh(first.refresh_token);
		expect(reused.status).toBe(400);
		expect(reused.json.error).toBe('invalid_grant');

		// everything that grant issued is gone: the user must connect again
		expect(await userinfo(second.json.access_token)).toBe(401);
		expect((await refresh(second.json.refresh_token)).json.error).toBe('invalid_grant');
		// another grant is untouched
		expect(await userinfo(other.access_token)).toBe(200);
		expect((await refresh(other.refresh_token)).status).toBe(200);
	});

	it('by default (refreshTokenReuse refuse), a reused refresh token is refused and nothing else', async () => {
		const first = await getTokens(sandbox);
		const second = await refresh(first.refresh_token);
		expect((await refresh(first.refresh_token)).status).toBe(400);
		expect((await refresh(second.json.refresh_token)).status).toBe(200);
	});

	it('a refresh may narrow the scope but not widen it', async () => {
		const tokens = await getTokens(sandbox, 'openid agents:execute');
		const narrowed = await postForm(tokenUrl(), {
			grant_type: 'refresh_token',
			refresh_token: tokens.refresh_token,
			client_id: sandbox.info.clientId,
			client_secret: sandbox.info.clientSecret,
			scope: 'agents:execute',
		});
		expect(narrowed.json.scope).toBe('agents:execute');
		const widened = await postForm(tokenUrl(), {
			grant_type: 'refresh_token',
			refresh_token: narrowed.json.refresh_token,
			client_id: sandbox.info.clientId,
			client_secret: sandbox.info.clientSecret,
			scope: 'agents:execute integrations:delete',
		});
		expect(widened.status).toBe(400);
		expect(widened.json.error).toBe('invalid_scope');
	});

	it('token lifetime follows tokenTtlSeconds, and an expired token is refused', async () => {
		await admin(sandbox, 'POST', 'config', { tokenTtlSeconds: 5 });
		const tokens = await getTokens(sandbox);
		expect(tokens.expires_in).toBe(5);
		expect(
			(await call(`${sandbox.url}/oauth/userinfo`, { headers: bearer(tokens.access_token) }))
				.status,
		).toBe(200);
		await admin(sandbox, 'POST', 'config', { clockOffsetSeconds: 6 });
		expect(
			(await call(`${sandbox.url}/oauth/userinfo`, { headers: bearer(tokens.access_token) }))
				.status,
		).toBe(401);
	});

	it('errors in the reference shape on request', async () => {
		await admin(sandbox, 'POST', 'config', { oauthErrorStyle: 'ref' });
		const answer = await postForm(tokenUrl(), {
			grant_type: 'authorization_code',
			code: 'nope',
			client_id: sandbox.info.clientId,
			client_secret: sandbox.info.clientSecret,
		});
		expect(answer.status).toBe(400);
		expect(answer.json).toEqual({
			detail: { error: 'invalid_grant', error_description: expect.any(String) },
		});
	});

	it('answers unsupported_grant_type', async () => {
		const answer = await postForm(tokenUrl(), {
			grant_type: 'password',
			client_id: sandbox.info.clientId,
			client_secret: sandbox.info.clientSecret,
		});
		expect(answer.status).toBe(400);
		expect(answer.json.error).toBe('unsupported_grant_type');
	});
});

describe('§2 revoke, userinfo, discovery', () => {
	it('userinfo answers sub, email, email_verified, name, updated_at', async () => {
		const tokens = await getTokens(sandbox);
		const answer = await call(`${sandbox.url}/oauth/userinfo`, {
			headers: bearer(tokens.access_token),
		});
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({
			sub: expect.any(String),
			email: 'sandbox.user@example.com',
			email_verified: true,
			name: 'Sandbox User',
			updated_at: expect.any(Number),
		});
		expect((await call(`${sandbox.url}/oauth/userinfo`)).status).toBe(401);
	});

	it('revoke withdraws an access token; revoking a refresh token ends its rotation', async () => {
		const tokens = await getTokens(sandbox);
		const revoked = await postForm(`${sandbox.url}/oauth/revoke`, {
			token: tokens.access_token,
			token_type_hint: 'access_token',
			client_id: sandbox.info.clientId,
			client_secret: sandbox.info.clientSecret,
		});
		expect(revoked.status).toBe(200);
		expect(
			(await call(`${sandbox.url}/oauth/userinfo`, { headers: bearer(tokens.access_token) }))
				.status,
		).toBe(401);

		await postForm(`${sandbox.url}/oauth/revoke`, {
			token: tokens.refresh_token,
			token_type_hint: 'refresh_token',
			client_id: sandbox.info.clientId,
			client_secret: sandbox.info.clientSecret,
		});
		const refreshed = await postForm(tokenUrl(), {
			grant_type: 'refresh_token',
			refresh_token: tokens.refresh_token,
			client_id: sandbox.info.clientId,
			client_secret: sandbox.info.clientSecret,
		});
		expect(refreshed.json.error).toBe('invalid_grant');

		const unknown = await postForm(`${sandbox.url}/oauth/revoke`, {
			token: 'never-issued',
			client_id: sandbox.info.clientId,
			client_secret: sandbox.info.clientSecret,
		});
		expect(unknown.status).toBe(200);
	});

	it('discovery names the issuer and every endpoint', async () => {
		const answer = await call(`${sandbox.url}/.well-known/openid-configuration`);
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({
			issuer: sandbox.url,
			authorization_endpoint: `${sandbox.url}/oauth/authorize`,
			token_endpoint: `${sandbox.url}/oauth/token`,
			userinfo_endpoint: `${sandbox.url}/oauth/userinfo`,
			revocation_endpoint: `${sandbox.url}/oauth/revoke`,
			code_challenge_methods_supported: ['S256'],
			token_endpoint_auth_methods_supported: ['client_secret_post'],
		});
		expect(answer.json.scopes_supported).toEqual(
			expect.arrayContaining([
				'openid',
				'agents:execute',
				'integrations:list',
				'integrations:connect',
				'integrations:delete',
			]),
		);
		const jwks = await call(answer.json.jwks_uri);
		expect(jwks.json.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
	});
});
