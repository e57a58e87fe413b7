// The connect page of contract §5: the signed-in user connects a provider account, a grant is
// made for the asking client, and the result is posted to `window.opener` at `redirect_origin`.
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import type { SandboxContext } from './context';
import {
	escapeHtml,
	formOrJsonFields,
	page,
	Router,
	type SandboxRequest,
	sendHtml,
	type ValidationIssue,
	validationError,
} from './http';
import type { Grant, OAuthClient, PendingConnect } from './state';

const CONNECT_LIFETIME_MS = 10 * 60 * 1000;

export interface ConnectResult {
	type: 'autogpt_connect_result';
	success: boolean;
	nonce: string;
	grant_id?: string;
	credential_id?: string;
	provider?: string;
	error?: string;
	error_description?: string;
}

export function connectRoutes(router: Router, context: SandboxContext): void {
	router
		.add('GET', '/connect/:provider', (request, response) =>
			connectPage(context, request, response),
		)
		.add('POST', '/connect/:provider/approve', (request, response) =>
			approve(context, request, response),
		);
}

function connectPage(
	context: SandboxContext,
	request: SandboxRequest,
	response: ServerResponse,
): void {
	const { state, config } = context;
	const provider = request.params.provider;
	const query = request.query;
	const issues: ValidationIssue[] = ['client_id', 'scopes', 'nonce', 'redirect_origin']
		.filter((name) => query.get(name) === null)
		.map((name) => ({ loc: ['query', name], msg: 'Field required', type: 'missing' }));
	if (issues.length > 0) throw validationError(issues);
	const clientId = query.get('client_id')!;
	const nonce = query.get('nonce')!;
	const redirectOrigin = query.get('redirect_origin')!;

	const client = state.clients.get(clientId);
	if (!client || !client.enabled) {
		return plainPage(
			response,
			404,
			'Application Not Found',
			`No enabled application has the client_id "${clientId}".`,
		);
	}
	if (!isAllowedOrigin(client, redirectOrigin)) {
		return plainPage(
			response,
			400,
			'Invalid Redirect Origin',
			`"${redirectOrigin}" is not an origin of ${client.name}.`,
		);
	}

	const fail = (status: number, error: string, description: string) =>
		resultPage(response, status, redirectOrigin, {
			type: 'autogpt_connect_result',
			success: false,
			nonce,
			provider,
			error,
			error_description: description,
		});

	const known = config.providerScopes[provider];
	if (!known) return fail(400, 'invalid_request', `Unknown provider: ${provider}`);
	const scopes = [
		...new Set(
			(query.get('scopes') ?? '')
				.split(',')
				.map((scope) => scope.trim())
				.filter(Boolean),
		),
	];
	if (scopes.length === 0)
		return fail(400, 'invalid_scope', 'No integration scopes were requested');
	const unknown = scopes.filter((scope) => !known.includes(scope));
	if (unknown.length > 0) {
		return fail(400, 'invalid_scope', `Unknown scopes for ${provider}: ${unknown.join(', ')}`);
	}

	const user = state.users.values().next().value!;
	const pending: PendingConnect = {
		connectToken: randomBytes(24).toString('base64url'),
		clientId,
		userId: user.id,
		provider,
		scopes,
		nonce,
		redirectOrigin,
		expiresAt: context.clock.nowMs() + CONNECT_LIFETIME_MS,
	};
	if (state.consentMode === 'approve') return succeed(context, response, pending);
	if (state.consentMode === 'deny') return fail(200, 'access_denied', 'User denied access');

	state.connects.set(pending.connectToken, pending);
	sendHtml(response, 200, connectForm(client, pending));
}

function approve(context: SandboxContext, request: SandboxRequest, response: ServerResponse): void {
	const fields = formOrJsonFields(request);
	const pending = context.state.connects.get(fields.connect_token ?? '');
	if (
		!pending ||
		pending.expiresAt <= context.clock.nowMs() ||
		pending.provider !== request.params.provider
	) {
		return plainPage(
			response,
			400,
			'Invalid Request',
			'This connect request is unknown or has expired; start again.',
		);
	}
	context.state.connects.delete(pending.connectToken);
	if (fields.action !== 'approve') {
		return resultPage(response, 200, pending.redirectOrigin, {
			type: 'autogpt_connect_result',
			success: false,
			nonce: pending.nonce,
			provider: pending.provider,
			error: 'access_denied',
			error_description: 'User denied access',
		});
	}
	succeed(context, response, pending);
}

function succeed(context: SandboxContext, response: ServerResponse, pending: PendingConnect): void {
	const grant = grantFor(context, pending);
	resultPage(response, 200, pending.redirectOrigin, {
		type: 'autogpt_connect_result',
		success: true,
		nonce: pending.nonce,
		grant_id: grant.id,
		credential_id: grant.credentialId,
		provider: grant.provider,
	});
}

/** Reuses the user's account at the provider (or connects a new one) and grants it to the client. */
function grantFor(context: SandboxContext, pending: PendingConnect): Grant {
	const { state } = context;
	const now = context.clock.nowMs();
	let credential = [...state.credentials.values()].find(
		(candidate) =>
			candidate.userId === pending.userId &&
			candidate.provider === pending.provider &&
			candidate.deletedAt === null,
	);
	if (!credential) {
		credential = {
			id: randomUUID(),
			userId: pending.userId,
			provider: pending.provider,
			deletedAt: null,
		};
		state.credentials.set(credential.id, credential);
	}
	const existing = [...state.grants.values()].find(
		(grant) =>
			grant.clientId === pending.clientId &&
			grant.userId === pending.userId &&
			grant.credentialId === credential!.id &&
			state.isGrantValid(grant, now),
	);
	if (existing) {
		existing.grantedScopes = [...new Set([...existing.grantedScopes, ...pending.scopes])];
		existing.updatedAt = now;
		return existing;
	}
	const grant: Grant = {
		id: randomUUID(),
		clientId: pending.clientId,
		userId: pending.userId,
		credentialId: credential.id,
		provider: pending.provider,
		grantedScopes: pending.scopes,
		permissions: ['USE', 'DELETE'],
		createdAt: now,
		updatedAt: now,
		lastUsedAt: null,
		expiresAt: null,
		revokedAt: null,
	};
	state.grants.set(grant.id, grant);
	return grant;
}

/** Origins of the client's registered redirect URIs, and any http loopback origin. */
function isAllowedOrigin(client: OAuthClient, origin: string): boolean {
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		return false;
	}
	if (url.origin !== origin.replace(/\/$/, '')) return false;
	if (url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname)) return true;
	return client.redirectUris.some((uri) => {
		try {
			return new URL(uri).origin === url.origin;
		} catch {
			return false;
		}
	});
}

function connectForm(client: OAuthClient, pending: PendingConnect): string {
	const items = pending.scopes
		.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`)
		.join('\n');
	const action = `/connect/${encodeURIComponent(pending.provider)}/approve`;
	return page(
		`Connect ${pending.provider}`,
		`<p><strong id="client-name">${escapeHtml(client.name)}</strong> asks to use your
<strong id="provider">${escapeHtml(pending.provider)}</strong> account with these permissions:</p>
<ul id="scopes">
${items}
</ul>
<form method="post" action="${escapeHtml(action)}" id="connect-form">
<input type="hidden" name="connect_token" value="${escapeHtml(pending.connectToken)}">
<button type="submit" name="action" value="approve" id="connect">Connect</button>
<button type="submit" name="action" value="deny" id="cancel">Cancel</button>
</form>`,
	);
}

/** Posts the result to the opener; the same JSON sits in #connect-result for raw-HTTP readers. */
function resultPage(
	response: ServerResponse,
	status: number,
	origin: string,
	result: ConnectResult,
): void {
	const json = JSON.stringify(result).replace(/</g, '\\u003c');
	const targetOrigin = JSON.stringify(origin.replace(/\/$/, '')).replace(/</g, '\\u003c');
	const words = result.success
		? `Connected ${result.provider}. You can close this window.`
		: `Not connected: ${result.error_description ?? result.error}.`;
	sendHtml(
		response,
		status,
		page(
			result.success ? 'Connected' : 'Not connected',
			`<p id="connect-status" class="${result.success ? '' : 'error'}">${escapeHtml(words)}</p>
<script type="application/json" id="connect-result">${json}</script>
<script>
(function () {
	var result = JSON.parse(document.getElementById('connect-result').textContent);
	if (window.opener) {
		window.opener.postMessage(result, ${targetOrigin});
		setTimeout(function () { window.close(); }, 200);
	}
})();
</script>`,
		),
	);
}

function plainPage(response: ServerResponse, status: number, title: string, message: string): void {
	sendHtml(
		response,
		status,
		page(title, `<p class="error" id="error-message">${escapeHtml(message)}</p>`),
	);
}
