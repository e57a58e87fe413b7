// The OAuth 2.0 provider of contract §2: authorize page with PKCE, token endpoint, revoke,
// userinfo and discovery.
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import {
	createHash,
	createSign,
	generateKeyPairSync,
	KeyObject,
	randomBytes,
	timingSafeEqual,
} from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { type SandboxContext, setHeaders } from './context';
import {
	detail,
	escapeHtml,
	formOrJsonFields,
	HttpError,
	page,
	redirect,
	Router,
	type SandboxRequest,
	sendHtml,
	sendJson,
} from './http';
import type { OAuthClient, Token, User } from './state';

const CODE_LIFETIME_MS = 10 * 60 * 1000;
const CONSENT_LIFETIME_MS = 10 * 60 * 1000;

export function oauthRoutes(router: Router, context: SandboxContext): void {
	router
		.add('GET', '/oauth/authorize', (request, response) => authorize(context, request, response))
		.add('POST', '/oauth/authorize/consent', (request, response) =>
			submitConsent(context, request, response),
		)
		.add('POST', '/oauth/token', (request, response) => token(context, request, response))
		.add('POST', '/oauth/revoke', (request, response) => revoke(context, request, response))
		.add('GET', '/oauth/userinfo', (request, response) => userinfo(context, request, response))
		.add('GET', '/.well-known/openid-configuration', (_request, response) =>
			sendJson(response, 200, discovery(context)),
		)
		.add('GET', '/.well-known/jwks.json', (_request, response) =>
			sendJson(response, 200, { keys: [signingKey().jwk] }),
		);
}

// ---------------------------------------------------------------- authorize

function authorize(
	context: SandboxContext,
	request: SandboxRequest,
	response: ServerResponse,
): void {
	const { state, config } = context;
	const query = request.query;
	const user = signedInUser(context, request);
	setHeaders(response, context.rateLimiter.take('oauth', user.id));

	const clientId = query.get('client_id');
	if (!clientId)
		return errorPage(response, 400, 'Invalid Request', 'The request has no client_id.');
	const client = state.clients.get(clientId);
	if (!client || !client.enabled) {
		return errorPage(
			response,
			404,
			'Application Not Found',
			`No enabled application has the client_id "${clientId}".`,
		);
	}
	const redirectUri = query.get('redirect_uri');
	if (!redirectUri)
		return errorPage(response, 400, 'Invalid Request', 'The request has no redirect_uri.');
	if (!isAllowedRedirectUri(client, redirectUri)) {
		return errorPage(
			response,
			400,
			'Invalid Redirect URI',
			`"${redirectUri}" is not registered for ${client.name}.`,
		);
	}
	const codeChallenge = query.get('code_challenge');
	if (!codeChallenge)
		return errorPage(
			response,
			400,
			'Invalid Request',
			'The request has no code_challenge (PKCE is required).',
		);
	const clientState = query.get('state');
	if (!clientState) return errorPage(response, 400, 'Invalid Request', 'The request has no state.');

	const fail = (error: string, description: string) =>
		redirect(
			response,
			withParams(redirectUri, { error, error_description: description, state: clientState }),
		);

	if (query.get('response_type') !== 'code') {
		return fail('unsupported_response_type', 'Only response_type=code is supported');
	}
	const method = query.get('code_challenge_method') ?? 'S256';
	if (method !== 'S256')
		return fail('invalid_request', 'Only code_challenge_method=S256 is supported');

	const requested = (query.get('scope') ?? '').split(/\s+/).filter(Boolean);
	const allowed = client.allowedScopes.length > 0 ? client.allowedScopes : config.scopes;
	const scopes = requested.length > 0 ? [...new Set(requested)] : [...allowed];
	const unknown = scopes.filter((scope) => !config.scopes.includes(scope));
	if (unknown.length > 0) return fail('invalid_scope', `Unknown scope: ${unknown.join(' ')}`);
	const notAllowed = scopes.filter((scope) => !allowed.includes(scope));
	if (notAllowed.length > 0) {
		return errorPage(
			response,
			400,
			'Invalid Scopes',
			`${client.name} may not ask for: ${notAllowed.join(', ')}.`,
		);
	}

	const pending = {
		clientId,
		userId: user.id,
		redirectUri,
		state: clientState,
		scopes,
		codeChallenge,
		nonce: query.get('nonce'),
	};
	const mode = state.consentMode;
	if (mode === 'approve') return redirect(response, approveRedirect(context, pending));
	if (mode === 'deny') return fail('access_denied', 'User denied access');
	if (query.get('prompt') === 'none') return fail('consent_required', 'User consent is required');

	const consentToken = randomBytes(24).toString('base64url');
	state.consents.set(consentToken, {
		consentToken,
		...pending,
		expiresAt: context.clock.nowMs() + CONSENT_LIFETIME_MS,
	});
	sendHtml(response, 200, consentPage(client, user, scopes, consentToken));
}

function submitConsent(
	context: SandboxContext,
	request: SandboxRequest,
	response: ServerResponse,
): void {
	const fields = formOrJsonFields(request);
	const pending = context.state.consents.get(fields.consent_token ?? '');
	setHeaders(
		response,
		context.rateLimiter.take('oauth', pending?.userId ?? signedInUser(context, request).id),
	);
	if (!pending || pending.expiresAt <= context.clock.nowMs()) {
		return errorPage(
			response,
			400,
			'Invalid Request',
			'This consent request is unknown or has expired; start again.',
		);
	}
	context.state.consents.delete(pending.consentToken);
	if (fields.authorize === 'true') return redirect(response, approveRedirect(context, pending));
	redirect(
		response,
		withParams(pending.redirectUri, {
			error: 'access_denied',
			error_description: 'User denied access',
			state: pending.state,
		}),
	);
}

function approveRedirect(
	context: SandboxContext,
	pending: {
		clientId: string;
		userId: string;
		redirectUri: string;
		state: string;
		scopes: string[];
		codeChallenge: string;
		nonce: string | null;
	},
): string {
	const code = randomBytes(24).toString('base64url');
	context.state.codes.set(code, {
		code,
		clientId: pending.clientId,
		userId: pending.userId,
		redirectUri: pending.redirectUri,
		scopes: pending.scopes,
		codeChallenge: pending.codeChallenge,
		nonce: pending.nonce,
		expiresAt: context.clock.nowMs() + CODE_LIFETIME_MS,
		usedAt: null,
	});
	return withParams(pending.redirectUri, { code, state: pending.state });
}

/** Registered URIs, plus any http URI on a loopback host (any port). */
export function isAllowedRedirectUri(client: OAuthClient, uri: string): boolean {
	if (client.redirectUris.includes(uri)) return true;
	let url: URL;
	try {
		url = new URL(uri);
	} catch {
		return false;
	}
	return url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname) && !url.hash;
}

/** Appends query parameters, spaces as %20 (as the platform writes `User%20denied%20access`). */
function withParams(uri: string, params: Record<string, string>): string {
	const encoded = Object.entries(params)
		.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
		.join('&');
	const [base, fragment] = uri.split('#');
	const joined = `${base}${base.includes('?') ? '&' : '?'}${encoded}`;
	return fragment === undefined ? joined : `${joined}#${fragment}`;
}

/** The sandbox has one signed-in user; an `X-API-Key` may name another (External API guide). */
function signedInUser(context: SandboxContext, request: SandboxRequest): User {
	const apiKey = request.headers['x-api-key'];
	if (typeof apiKey === 'string') {
		const user = [...context.state.users.values()].find((candidate) => candidate.apiKey === apiKey);
		if (!user) throw detail(401, 'Invalid API key');
		return user;
	}
	return context.state.users.values().next().value as User;
}

function errorPage(response: ServerResponse, status: number, title: string, message: string): void {
	sendHtml(
		response,
		status,
		page(title, `<p class="error" id="error-message">${escapeHtml(message)}</p>`),
	);
}

const SCOPE_WORDS: Record<string, string> = {
	openid: 'Know who you are on AutoGPT',
	profile: 'See your name',
	email: 'See your e-mail address',
	'agents:execute': 'Run agents and check their executions',
	'integrations:list': 'See which integrations you have granted',
	'integrations:connect': 'Ask you to connect integrations',
	'integrations:delete': 'Delete credentials you have granted',
};

function consentPage(
	client: OAuthClient,
	user: User,
	scopes: string[],
	consentToken: string,
): string {
	const items = scopes
		.map(
			(scope) =>
				`<li><code>${escapeHtml(scope)}</code> ${escapeHtml(SCOPE_WORDS[scope] ?? '')}</li>`,
		)
		.join('\n');
	return page(
		`Authorize ${client.name}`,
		`<p><strong id="client-name">${escapeHtml(client.name)}</strong> wants to access your AutoGPT account
(<span id="user-email">${escapeHtml(user.email)}</span>).</p>
<p>${escapeHtml(client.description)}</p>
<p>It asks to:</p>
<ul id="scopes">
${items}
</ul>
<form method="post" action="/oauth/authorize/consent" id="consent-form">
<input type="hidden" name="consent_token" value="${escapeHtml(consentToken)}">
<button type="submit" name="authorize" value="true" id="approve">Approve</button>
<button type="submit" name="authorize" value="false" id="deny">Deny</button>
</form>`,
	);
}

// ---------------------------------------------------------------- token

/** §2: the guide's `{error, error_description}` or the reference's `{detail: {…}}`. */
export function oauthError(
	context: SandboxContext,
	status: number,
	error: string,
	description: string,
) {
	const body =
		context.config.oauthErrorStyle === 'ref'
			? { detail: { error, error_description: description } }
			: { error, error_description: description };
	return new HttpError(status, body, status === 401 ? { 'www-authenticate': 'Bearer' } : {});
}

/** client_id and client_secret in the body; HTTP Basic is never read (as in the reference). */
function authenticateClient(
	context: SandboxContext,
	request: SandboxRequest,
	fields: Record<string, string>,
) {
	const { client_id: clientId, client_secret: clientSecret } = fields;
	if (!clientId || !clientSecret) {
		const basic = /^basic\s/i.test(request.headers.authorization ?? '');
		throw oauthError(
			context,
			401,
			'invalid_client',
			basic
				? 'Client authentication failed: HTTP Basic is not supported; send client_id and client_secret in the body'
				: 'Client authentication failed: client_id and client_secret are required in the body',
		);
	}
	const client = context.state.clients.get(clientId);
	if (!client || !client.enabled || !sameSecret(client.clientSecret, clientSecret)) {
		throw oauthError(context, 401, 'invalid_client', 'Client authentication failed');
	}
	return client;
}

function token(context: SandboxContext, request: SandboxRequest, response: ServerResponse): void {
	const { state, clock } = context;
	const fields = formOrJsonFields(request);
	const rateKey =
		state.codes.get(fields.code ?? '')?.userId ??
		state.tokens.get(fields.refresh_token ?? '')?.userId ??
		`client:${fields.client_id ?? 'anonymous'}`;
	setHeaders(response, context.rateLimiter.take('oauth', rateKey));

	const client = authenticateClient(context, request, fields);
	const now = clock.nowMs();

	if (!fields.grant_type)
		throw oauthError(context, 400, 'invalid_request', 'grant_type is required');
	if (fields.grant_type === 'authorization_code') {
		if (!fields.code) throw oauthError(context, 400, 'invalid_request', 'code is required');
		const code = state.codes.get(fields.code);
		if (!code || code.clientId !== client.clientId) {
			throw oauthError(context, 400, 'invalid_grant', 'Invalid authorization code');
		}
		if (code.usedAt !== null) {
			// A code used twice may have been stolen: what it bought is withdrawn (RFC 6749 §4.1.2).
			for (const issued of state.tokens.values()) {
				if (issued.fromCode === code.code) issued.revokedAt ??= now;
			}
			throw oauthError(context, 400, 'invalid_grant', 'Authorization code has already been used');
		}
		if (code.expiresAt <= now)
			throw oauthError(context, 400, 'invalid_grant', 'Authorization code has expired');
		if (fields.redirect_uri !== code.redirectUri) {
			throw oauthError(
				context,
				400,
				'invalid_grant',
				'redirect_uri does not match the authorization request',
			);
		}
		if (!fields.code_verifier)
			throw oauthError(context, 400, 'invalid_request', 'code_verifier is required');
		const challenge = createHash('sha256').update(fields.code_verifier).digest('base64url');
		if (challenge !== code.codeChallenge) {
			throw oauthError(
				context,
				400,
				'invalid_grant',
				'PKCE verification failed: code_verifier does not match code_challenge',
			);
		}
		code.usedAt = now;
		return sendTokens(
			context,
			response,
			issueTokens(context, client, code.userId, code.scopes, code.scopes, code.code, code.nonce),
		);
	}

	if (fields.grant_type === 'refresh_token') {
		if (!fields.refresh_token)
			throw oauthError(context, 400, 'invalid_request', 'refresh_token is required');
		const old = state.tokens.get(fields.refresh_token);
		if (!old || old.kind !== 'refresh' || old.clientId !== client.clientId) {
			throw oauthError(context, 400, 'invalid_grant', 'Invalid refresh token');
		}
		if (old.revokedAt !== null) {
			if (old.replacedBy !== null && context.config.refreshTokenReuse === 'revokeFamily') {
				// A rotated-out token used again may have been stolen: its whole grant is withdrawn.
				for (const issued of state.tokens.values()) {
					if (issued.clientId === old.clientId && issued.fromCode === old.fromCode)
						issued.revokedAt ??= now;
				}
			}
			throw oauthError(context, 400, 'invalid_grant', 'Refresh token has been revoked');
		}
		if (old.expiresAt <= now)
			throw oauthError(context, 400, 'invalid_grant', 'Refresh token has expired');
		let scopes = old.scopes;
		if (fields.scope) {
			scopes = fields.scope.split(/\s+/).filter(Boolean);
			const extra = scopes.filter((scope) => !old.scopes.includes(scope));
			if (extra.length > 0) {
				throw oauthError(
					context,
					400,
					'invalid_scope',
					`Scope not granted originally: ${extra.join(' ')}`,
				);
			}
		}
		// Rotation: the refresh token just used is revoked and a new one takes its place.
		const issued = issueTokens(context, client, old.userId, scopes, old.scopes, old.fromCode, null);
		old.revokedAt = now;
		old.replacedBy = issued.refresh.token;
		return sendTokens(context, response, issued);
	}

	throw oauthError(
		context,
		400,
		'unsupported_grant_type',
		`Unsupported grant_type "${fields.grant_type}"`,
	);
}

interface IssuedTokens {
	access: Token;
	refresh: Token;
	idToken: string | null;
}

function issueTokens(
	context: SandboxContext,
	client: OAuthClient,
	userId: string,
	scopes: string[],
	refreshScopes: string[],
	fromCode: string | null,
	nonce: string | null,
): IssuedTokens {
	const now = context.clock.nowMs();
	const refresh: Token = {
		token: `agpt_rt_${randomBytes(32).toString('base64url')}`,
		kind: 'refresh',
		clientId: client.clientId,
		userId,
		scopes: refreshScopes,
		createdAt: now,
		expiresAt: now + context.config.refreshTokenTtlSeconds * 1000,
		revokedAt: null,
		replacedBy: null,
		refreshToken: null,
		fromCode,
	};
	const access: Token = {
		token: `agpt_xt_${randomBytes(32).toString('base64url')}`,
		kind: 'access',
		clientId: client.clientId,
		userId,
		scopes,
		createdAt: now,
		expiresAt: now + context.config.tokenTtlSeconds * 1000,
		revokedAt: null,
		replacedBy: null,
		refreshToken: refresh.token,
		fromCode,
	};
	context.state.tokens.set(refresh.token, refresh);
	context.state.tokens.set(access.token, access);
	const user = context.state.users.get(userId);
	const idToken =
		scopes.includes('openid') && user ? makeIdToken(context, client, user, scopes, nonce) : null;
	return { access, refresh, idToken };
}

function sendTokens(context: SandboxContext, response: ServerResponse, issued: IssuedTokens): void {
	const body: Record<string, unknown> = {
		access_token: issued.access.token,
		token_type: 'Bearer',
		expires_in: context.config.tokenTtlSeconds,
		refresh_token: issued.refresh.token,
		scope: issued.access.scopes.join(' '),
	};
	if (issued.idToken) body.id_token = issued.idToken;
	sendJson(response, 200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
}

// ---------------------------------------------------------------- revoke, userinfo, discovery

function revoke(context: SandboxContext, request: SandboxRequest, response: ServerResponse): void {
	const { state, clock } = context;
	const fields = formOrJsonFields(request);
	const found = state.tokens.get(fields.token ?? '');
	setHeaders(
		response,
		context.rateLimiter.take('oauth', found?.userId ?? `client:${fields.client_id ?? 'anonymous'}`),
	);
	let client: OAuthClient | null = null;
	if (fields.client_id || fields.client_secret)
		client = authenticateClient(context, request, fields);
	if (!fields.token) throw oauthError(context, 400, 'invalid_request', 'token is required');

	// RFC 7009: an unknown token, or one of another client, is answered 200 all the same.
	if (found && (!client || found.clientId === client.clientId)) {
		const now = clock.nowMs();
		found.revokedAt ??= now;
		if (found.kind === 'refresh') {
			for (const other of state.tokens.values()) {
				if (other.refreshToken === found.token) other.revokedAt ??= now;
			}
		}
	}
	sendJson(response, 200, {});
}

/** The access token a `Bearer` header carries, when it is live; null otherwise. */
export function liveAccessToken(
	context: SandboxContext,
	authorization: string | undefined,
): Token | null {
	const match = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
	if (!match) return null;
	const found = context.state.tokens.get(match[1]);
	if (!found || found.kind !== 'access' || found.revokedAt !== null) return null;
	if (found.expiresAt <= context.clock.nowMs()) return null;
	return found;
}

function userinfo(
	context: SandboxContext,
	request: SandboxRequest,
	response: ServerResponse,
): void {
	const access = liveAccessToken(context, request.headers.authorization);
	if (!access)
		throw detail(401, 'Invalid or expired access token', { 'www-authenticate': 'Bearer' });
	setHeaders(response, context.rateLimiter.take('oauth', access.userId));
	const user = context.state.users.get(access.userId);
	if (!user) throw detail(401, 'Invalid or expired access token', { 'www-authenticate': 'Bearer' });
	const hasEmail = access.scopes.includes('email');
	sendJson(response, 200, {
		sub: user.id,
		email: hasEmail ? user.email : null,
		email_verified: hasEmail ? true : null,
		name: access.scopes.includes('profile') ? user.name : null,
		updated_at: user.updatedAt,
	});
}

function discovery(context: SandboxContext) {
	const base = context.baseUrl;
	return {
		issuer: base,
		authorization_endpoint: `${base}/oauth/authorize`,
		token_endpoint: `${base}/oauth/token`,
		userinfo_endpoint: `${base}/oauth/userinfo`,
		revocation_endpoint: `${base}/oauth/revoke`,
		jwks_uri: `${base}/.well-known/jwks.json`,
		scopes_supported: context.config.scopes,
		response_types_supported: ['code'],
		grant_types_supported: ['authorization_code', 'refresh_token'],
		token_endpoint_auth_methods_supported: ['client_secret_post'],
		code_challenge_methods_supported: ['S256'],
		subject_types_supported: ['public'],
		id_token_signing_alg_values_supported: ['RS256'],
	};
}

// ---------------------------------------------------------------- id_token

let key: { privateKey: KeyObject; jwk: Record<string, unknown> } | null = null;

/** One RSA key per process, made on first use (it takes a moment). */
function signingKey() {
	if (!key) {
		const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const jwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
		key = {
			privateKey: pair.privateKey,
			jwk: { ...jwk, kid: 'sandbox-1', use: 'sig', alg: 'RS256' },
		};
	}
	return key;
}

function makeIdToken(
	context: SandboxContext,
	client: OAuthClient,
	user: User,
	scopes: string[],
	nonce: string | null,
): string {
	const { privateKey } = signingKey();
	const now = context.clock.nowSeconds();
	const claims: Record<string, unknown> = {
		iss: context.baseUrl,
		sub: user.id,
		aud: client.clientId,
		iat: now,
		exp: now + context.config.tokenTtlSeconds,
	};
	if (nonce) claims.nonce = nonce;
	if (scopes.includes('email')) Object.assign(claims, { email: user.email, email_verified: true });
	if (scopes.includes('profile')) claims.name = user.name;
	const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const signingInput = `${encode({ alg: 'RS256', typ: 'JWT', kid: 'sandbox-1' })}.${encode(claims)}`;
	const signature = createSign('RSA-SHA256')
		.update(signingInput)
		.sign(privateKey)
		.toString('base64url');
	return `${signingInput}.${signature}`;
}

export function sameSecret(expected: string, given: string): boolean {
	const left = Buffer.from(expected);
	const right = Buffer.from(given);
	return left.length === right.length && timingSafeEqual(left, right);
}
