// The External API (contract §3, §4) and the webhook subscriptions (§7), mounted at the
// configured prefix.
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { PyFloat } from './canonical';
import type { AgentFixture } from './config';
import { formatStatus, isoOrNull, type SandboxContext, setHeaders } from './context';
import { WEBHOOK_EVENTS } from './deliveries';
import { revokeGrant } from './executions';
import {
	detail,
	jsonBody,
	Router,
	type SandboxRequest,
	sendEmpty,
	sendJson,
	type ValidationIssue,
	validationError,
} from './http';
import { claimKey, readIdempotencyKey } from './idempotency';
import { liveAccessToken } from './oauth';
import type { RateClass } from './rateLimit';
import type { Execution, Grant, OAuthClient } from './state';

/** Who is calling: an OAuth client acting for a user, or a user by API key (no client). */
export interface Caller {
	userId: string;
	client: OAuthClient | null;
	/** null: an API key, which may do whatever its user may. */
	scopes: string[] | null;
}

export function externalApiRoutes(router: Router, context: SandboxContext): void {
	const prefix = context.config.apiPrefix;
	const guarded =
		(
			rateClass: RateClass,
			scope: string,
			handler: (caller: Caller, request: SandboxRequest, response: ServerResponse) => void,
		) =>
		(request: SandboxRequest, response: ServerResponse) => {
			const caller = authenticate(context, request);
			setHeaders(response, context.rateLimiter.take(rateClass, caller.userId));
			if (scope.startsWith('integrations:') && !caller.client) {
				throw detail(403, 'Grants belong to an OAuth client and a user; an API key has no grants');
			}
			if (caller.scopes && !caller.scopes.includes(scope)) {
				throw detail(403, `Insufficient scope: this request needs ${scope}`);
			}
			handler(caller, request, response);
		};

	router
		.add(
			'GET',
			`${prefix}/executions/capabilities`,
			guarded('read', 'agents:execute', (caller, _request, response) =>
				capabilities(context, caller, response),
			),
		)
		.add(
			'POST',
			`${prefix}/executions/agents/:agentId/execute`,
			guarded('execute', 'agents:execute', (caller, request, response) =>
				execute(context, caller, request, response),
			),
		)
		.add(
			'GET',
			`${prefix}/executions/:executionId`,
			guarded('read', 'agents:execute', (caller, request, response) =>
				sendJson(
					response,
					200,
					executionView(context, ownExecution(context, caller, request.params.executionId)),
				),
			),
		)
		.add(
			'POST',
			`${prefix}/executions/:executionId/cancel`,
			guarded('read', 'agents:execute', (caller, request, response) =>
				cancel(context, caller, request, response),
			),
		)
		.add(
			'GET',
			`${prefix}/grants/`,
			guarded('read', 'integrations:list', (caller, _request, response) =>
				listGrants(context, caller, response),
			),
		)
		.add(
			'GET',
			`${prefix}/grants/:grantId`,
			guarded('read', 'integrations:list', (caller, request, response) =>
				getGrant(context, caller, request, response),
			),
		)
		.add(
			'DELETE',
			`${prefix}/grants/:grantId/credential`,
			guarded('read', 'integrations:delete', (caller, request, response) =>
				deleteCredential(context, caller, request, response),
			),
		)
		.add(
			'POST',
			`${prefix}/webhooks`,
			guarded('read', 'agents:execute', (caller, request, response) =>
				createSubscription(context, caller, request, response),
			),
		)
		.add(
			'GET',
			`${prefix}/webhooks`,
			guarded('read', 'agents:execute', (caller, _request, response) =>
				listSubscriptions(context, caller, response),
			),
		)
		.add(
			'DELETE',
			`${prefix}/webhooks/:subscriptionId`,
			guarded('read', 'agents:execute', (caller, request, response) =>
				deleteSubscription(context, caller, request, response),
			),
		);
}

/** §3: Bearer access token, or X-API-Key; 401 `{"detail"}` otherwise. */
function authenticate(context: SandboxContext, request: SandboxRequest): Caller {
	const authorization = request.headers.authorization;
	if (authorization) {
		const access = liveAccessToken(context, authorization);
		if (!access)
			throw detail(401, 'Invalid or expired access token', { 'www-authenticate': 'Bearer' });
		const client = context.state.clients.get(access.clientId);
		if (!client || !client.enabled) throw detail(401, 'OAuth client is disabled or unknown');
		return { userId: access.userId, client, scopes: access.scopes };
	}
	const apiKey = request.headers['x-api-key'];
	if (typeof apiKey === 'string' && apiKey !== '') {
		const user = [...context.state.users.values()].find((candidate) => candidate.apiKey === apiKey);
		if (!user) throw detail(401, 'Invalid API key');
		return { userId: user.id, client: null, scopes: null };
	}
	throw detail(401, 'Not authenticated: send Authorization: Bearer <access token> or X-API-Key', {
		'www-authenticate': 'Bearer',
	});
}

// ---------------------------------------------------------------- executions

function capabilities(context: SandboxContext, caller: Caller, response: ServerResponse): void {
	const grants = caller.client ? usableGrants(context, caller) : [];
	sendJson(response, 200, {
		user_id: caller.userId,
		client_id: caller.client?.clientId ?? null,
		grants: grants.map((grant) => ({
			grant_id: grant.id,
			provider: grant.provider,
			scopes: grant.grantedScopes,
		})),
		available_scopes: [...new Set(grants.flatMap((grant) => grant.grantedScopes))],
	});
}

function execute(
	context: SandboxContext,
	caller: Caller,
	request: SandboxRequest,
	response: ServerResponse,
): void {
	const key = readIdempotencyKey(context, request);
	// §12: every answer to a request that carried a key says the platform stores it.
	if (key !== null) response.setHeader('idempotency-key', key);
	const raw = jsonBody(request);
	const body = validateExecuteBody(raw);
	const agent = Object.values(context.config.agents).find(
		(fixture) => fixture.id === request.params.agentId,
	);
	if (!agent) throw detail(404, `Agent not found: ${request.params.agentId}`);
	const claim = key === null ? null : claimKey(context, request, caller.userId, key, agent.id, raw);
	if (claim && 'replay' in claim) {
		sendJson(response, 200, claim.replay, { 'idempotent-replayed': 'true' });
		return;
	}
	let answer: Record<string, unknown> | undefined;
	try {
		answer = startExecution(context, caller, agent, body, key);
	} finally {
		if (!answer) claim?.release();
	}
	claim?.answered(answer);
	sendJson(response, 200, answer);
}

/** Checks the grants (or the API key's own credentials) the agent needs, then starts the run. */
function startExecution(
	context: SandboxContext,
	caller: Caller,
	agent: AgentFixture,
	body: ExecuteBody,
	idempotencyKey: string | null,
): Record<string, unknown> {
	const { state, clock } = context;

	if (body.webhook_url !== null) {
		if (!caller.client) throw detail(400, 'webhook_url requires an OAuth client');
		checkWebhookUrl(body.webhook_url, caller.client);
	}

	const required = agent.requiresProviders ?? [];
	let usedGrantIds: string[] = [];
	if (caller.client) {
		const selected = selectGrants(context, caller, body.grant_ids);
		const missing = required.filter(
			(provider) => !selected.some((grant) => grant.provider === provider),
		);
		if (missing.length > 0) {
			throw detail(
				403,
				`Grant validation failed: No valid grants found for requested integrations (${missing.join(', ')})`,
			);
		}
		const used = selected.filter((grant) => required.includes(grant.provider));
		const now = clock.nowMs();
		for (const grant of used) grant.lastUsedAt = now;
		usedGrantIds = used.map((grant) => grant.id);
	} else {
		// An API key acts as the user, with the user's own credentials; grants need a client.
		if (body.grant_ids && body.grant_ids.length > 0) {
			throw detail(
				403,
				'Grant validation failed: grants belong to an OAuth client and cannot be used with an API key',
			);
		}
		const missing = required.filter(
			(provider) =>
				![...state.credentials.values()].some(
					(credential) =>
						credential.userId === caller.userId &&
						credential.provider === provider &&
						credential.deletedAt === null,
				),
		);
		if (missing.length > 0) {
			throw detail(
				403,
				`Grant validation failed: No valid credentials found for requested integrations (${missing.join(', ')})`,
			);
		}
	}

	const execution = context.executions.start({
		agent,
		userId: caller.userId,
		clientId: caller.client?.clientId ?? null,
		inputs: body.inputs,
		grantIds: body.grant_ids,
		usedGrantIds,
		webhookUrl: body.webhook_url,
		idempotencyKey,
	});
	// Always lower case, whatever spelling GET uses (as the reference does).
	return {
		execution_id: execution.id,
		status: 'queued',
		message: `Agent execution queued: ${agent.name}`,
	};
}

interface ExecuteBody {
	inputs: Record<string, unknown>;
	grant_ids: string[] | null;
	webhook_url: string | null;
}

function validateExecuteBody(body: unknown): ExecuteBody {
	assertObjectBody(body);
	const issues: ValidationIssue[] = [];
	if (body.inputs === undefined)
		issues.push({ loc: ['body', 'inputs'], msg: 'Field required', type: 'missing' });
	else if (!isRecord(body.inputs)) {
		issues.push({
			loc: ['body', 'inputs'],
			msg: 'Input should be a valid dictionary',
			type: 'dict_type',
		});
	}
	const grantIds = body.grant_ids ?? null;
	if (grantIds !== null) {
		if (!Array.isArray(grantIds)) {
			issues.push({
				loc: ['body', 'grant_ids'],
				msg: 'Input should be a valid list',
				type: 'list_type',
			});
		} else {
			grantIds.forEach((grantId, index) => {
				if (typeof grantId !== 'string') {
					issues.push({
						loc: ['body', 'grant_ids', index],
						msg: 'Input should be a valid string',
						type: 'string_type',
					});
				}
			});
		}
	}
	const webhookUrl = body.webhook_url ?? null;
	if (webhookUrl !== null && typeof webhookUrl !== 'string') {
		issues.push({
			loc: ['body', 'webhook_url'],
			msg: 'Input should be a valid string',
			type: 'string_type',
		});
	}
	if (issues.length > 0) throw validationError(issues);
	return {
		inputs: body.inputs as Record<string, unknown>,
		grant_ids: grantIds as string[] | null,
		webhook_url: webhookUrl as string | null,
	};
}

/** `grant_ids` absent means all of this client's valid grants with USE; listed ones must all be usable. */
function selectGrants(context: SandboxContext, caller: Caller, grantIds: string[] | null): Grant[] {
	if (grantIds === null) return usableGrants(context, caller);
	const now = context.clock.nowMs();
	return grantIds.map((grantId) => {
		const grant = context.state.grants.get(grantId);
		const reason =
			!grant || grant.clientId !== caller.client?.clientId || grant.userId !== caller.userId
				? 'not found'
				: grant.revokedAt !== null
					? 'revoked'
					: grant.expiresAt !== null && grant.expiresAt <= now
						? 'expired'
						: !grant.permissions.includes('USE')
							? 'missing the USE permission'
							: null;
		if (reason) throw detail(403, `Grant validation failed: grant ${grantId} is ${reason}`);
		return grant!;
	});
}

function usableGrants(context: SandboxContext, caller: Caller): Grant[] {
	return clientGrants(context, caller).filter((grant) => grant.permissions.includes('USE'));
}

/** The caller's valid grants (lists leave revoked and expired ones out). */
function clientGrants(context: SandboxContext, caller: Caller): Grant[] {
	const now = context.clock.nowMs();
	return [...context.state.grants.values()].filter(
		(grant) =>
			grant.clientId === caller.client?.clientId &&
			grant.userId === caller.userId &&
			context.state.isGrantValid(grant, now),
	);
}

function ownExecution(context: SandboxContext, caller: Caller, executionId: string): Execution {
	const execution = context.state.executions.get(executionId);
	if (!execution || execution.userId !== caller.userId) throw detail(404, 'Execution not found');
	return execution;
}

export function executionView(context: SandboxContext, execution: Execution) {
	return {
		execution_id: execution.id,
		status: formatStatus(context, execution.status),
		started_at: isoOrNull(context, execution.startedAt),
		completed_at: isoOrNull(context, execution.completedAt),
		outputs: execution.status === 'COMPLETED' ? execution.outputs : null,
		error: execution.status === 'FAILED' ? execution.error : null,
	};
}

function cancel(
	context: SandboxContext,
	caller: Caller,
	request: SandboxRequest,
	response: ServerResponse,
): void {
	const execution = ownExecution(context, caller, request.params.executionId);
	if (!context.executions.cancel(execution)) {
		throw detail(
			400,
			`Cannot cancel execution with status ${formatStatus(context, execution.status)}`,
		);
	}
	sendJson(response, 200, { message: 'Execution terminated', execution_id: execution.id });
}

// ---------------------------------------------------------------- grants

function listGrants(context: SandboxContext, caller: Caller, response: ServerResponse): void {
	sendJson(
		response,
		200,
		clientGrants(context, caller).map((grant) => ({
			id: grant.id,
			provider: grant.provider,
			granted_scopes: grant.grantedScopes,
			permissions: grant.permissions,
			created_at: isoOrNull(context, grant.createdAt),
			last_used_at: isoOrNull(context, grant.lastUsedAt),
			expires_at: isoOrNull(context, grant.expiresAt),
		})),
	);
}

function ownGrant(context: SandboxContext, caller: Caller, grantId: string): Grant {
	const grant = context.state.grants.get(grantId);
	if (!grant || grant.clientId !== caller.client?.clientId || grant.userId !== caller.userId) {
		throw detail(404, 'Grant not found');
	}
	return grant;
}

export function grantView(context: SandboxContext, grant: Grant) {
	return {
		id: grant.id,
		provider: grant.provider,
		credential_id: grant.credentialId,
		granted_scopes: grant.grantedScopes,
		permissions: grant.permissions,
		created_at: isoOrNull(context, grant.createdAt),
		updated_at: isoOrNull(context, grant.updatedAt),
		last_used_at: isoOrNull(context, grant.lastUsedAt),
		expires_at: isoOrNull(context, grant.expiresAt),
		revoked_at: isoOrNull(context, grant.revokedAt),
	};
}

function getGrant(
	context: SandboxContext,
	caller: Caller,
	request: SandboxRequest,
	response: ServerResponse,
): void {
	const grant = ownGrant(context, caller, request.params.grantId);
	if (!context.state.isGrantValid(grant, context.clock.nowMs()))
		throw detail(404, 'Grant not found');
	sendJson(response, 200, grantView(context, grant));
}

function deleteCredential(
	context: SandboxContext,
	caller: Caller,
	request: SandboxRequest,
	response: ServerResponse,
): void {
	const { state, clock } = context;
	const grant = ownGrant(context, caller, request.params.grantId);
	const now = clock.nowMs();
	if (grant.revokedAt !== null) throw detail(400, 'Grant has been revoked');
	if (grant.expiresAt !== null && grant.expiresAt <= now) throw detail(400, 'Grant has expired');
	if (!grant.permissions.includes('DELETE'))
		throw detail(403, 'Grant does not have the DELETE permission');

	const credential = state.credentials.get(grant.credentialId);
	if (credential) credential.deletedAt = now;
	// Every grant on that credential goes, and each one says so (grant.revoked).
	for (const other of state.grants.values()) {
		if (other.credentialId === grant.credentialId && other.revokedAt === null) {
			revokeGrant(state, context.deliveries, other, now);
		}
	}
	sendJson(response, 200, { message: 'Credential deleted successfully' });
}

// ---------------------------------------------------------------- subscriptions (§7)

function createSubscription(
	context: SandboxContext,
	caller: Caller,
	request: SandboxRequest,
	response: ServerResponse,
): void {
	const body = jsonBody(request);
	assertObjectBody(body);
	const issues: ValidationIssue[] = [];
	if (body.url === undefined)
		issues.push({ loc: ['body', 'url'], msg: 'Field required', type: 'missing' });
	else if (typeof body.url !== 'string')
		issues.push({
			loc: ['body', 'url'],
			msg: 'Input should be a valid string',
			type: 'string_type',
		});
	if (body.events === undefined)
		issues.push({ loc: ['body', 'events'], msg: 'Field required', type: 'missing' });
	else if (!Array.isArray(body.events)) {
		issues.push({
			loc: ['body', 'events'],
			msg: 'Input should be a valid list',
			type: 'list_type',
		});
	} else if (body.events.length === 0) {
		issues.push({
			loc: ['body', 'events'],
			msg: 'List should have at least 1 item after validation, not 0',
			type: 'too_short',
		});
	} else {
		body.events.forEach((event, index) => {
			if (!(WEBHOOK_EVENTS as readonly unknown[]).includes(event)) {
				issues.push({
					loc: ['body', 'events', index],
					msg: `Input should be ${WEBHOOK_EVENTS.map((name) => `'${name}'`).join(', ')}`,
					type: 'literal_error',
				});
			}
		});
	}
	if (issues.length > 0) throw validationError(issues);

	const url = body.url as string;
	checkWebhookUrl(url, caller.client);
	const subscription = {
		id: randomUUID(),
		userId: caller.userId,
		clientId: caller.client?.clientId ?? null,
		url,
		events: [...new Set(body.events as string[])],
		secret: `whsec_${randomBytes(24).toString('base64url')}`,
		createdAt: context.clock.nowMs(),
	};
	context.state.subscriptions.set(subscription.id, subscription);
	sendJson(response, 201, {
		id: subscription.id,
		url: subscription.url,
		events: subscription.events,
		secret: subscription.secret,
		created_at: context.clock.iso(subscription.createdAt),
	});
}

function listSubscriptions(
	context: SandboxContext,
	caller: Caller,
	response: ServerResponse,
): void {
	const own = [...context.state.subscriptions.values()].filter(
		(subscription) => subscription.userId === caller.userId,
	);
	sendJson(
		response,
		200,
		own.map((subscription) => ({
			id: subscription.id,
			url: subscription.url,
			events: subscription.events,
			created_at: context.clock.iso(subscription.createdAt),
		})),
	);
}

function deleteSubscription(
	context: SandboxContext,
	caller: Caller,
	request: SandboxRequest,
	response: ServerResponse,
): void {
	const subscription = context.state.subscriptions.get(request.params.subscriptionId);
	if (!subscription || subscription.userId !== caller.userId)
		throw detail(404, 'Webhook not found');
	context.state.subscriptions.delete(subscription.id);
	sendEmpty(response, 204);
}

// ---------------------------------------------------------------- shared rules

/** §6: https, or http on localhost/127.0.0.1; for an OAuth client, a host among its webhook_domains. */
export function checkWebhookUrl(url: string, client: OAuthClient | null): void {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw detail(400, 'Invalid request: webhook URL is not a valid URL');
	}
	const loopback = ['localhost', '127.0.0.1'].includes(parsed.hostname);
	if (!(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback))) {
		throw detail(
			400,
			'Invalid request: webhook URL must use https (http only on localhost or 127.0.0.1)',
		);
	}
	if (client && !hostAllowed(parsed.hostname, client.webhookDomains)) {
		throw detail(400, 'Webhook URL not in allowed domains for this client');
	}
}

export function hostAllowed(host: string, domains: string[]): boolean {
	const lower = host.toLowerCase();
	return domains.some((domain) => {
		const pattern = domain.toLowerCase();
		if (pattern.startsWith('*.')) return lower.endsWith(pattern.slice(1));
		return lower === pattern;
	});
}

/** FastAPI's 422 for a body that is not a JSON object. */
function assertObjectBody(body: unknown): asserts body is Record<string, unknown> {
	if (!isRecord(body)) {
		throw validationError([
			{
				loc: ['body'],
				msg: 'Input should be a valid dictionary or object to extract fields from',
				type: 'model_attributes_type',
			},
		]);
	}
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return (
		typeof value === 'object' &&
		value !== null &&
		!Array.isArray(value) &&
		!(value instanceof PyFloat)
	);
}
