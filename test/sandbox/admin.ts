// The loopback-only control surface under `/_sandbox/` that tests and benchmarks drive.
// Shapes are documented in README.md; the first fields of each list are the contract's.
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import type { Clock } from './clock';
import { type ConsentMode, mergeLiveConfig, type Permission, type SignatureMode } from './config';
import { formatStatus, isoOrNull, type SandboxContext } from './context';
import type { Delivery } from './deliveries';
import { revokeGrant } from './executions';
import { grantView } from './externalApi';
import { faultRoutes } from './faults';
import { idempotencyKeysView } from './idempotency';
import { adminBody, detail, Router, sendEmpty, sendJson } from './http';
import type { ExecutionStatus, Grant, RequestRecord } from './state';

export interface AdminHooks {
	/** Back to the starting state and configuration. */
	reset(): void;
	info(): unknown;
}

export function adminRoutes(router: Router, context: SandboxContext, hooks: AdminHooks): void {
	const { state } = context;
	const json = adminBody;
	const ok = (response: ServerResponse, body: unknown = { ok: true }) =>
		sendJson(response, 200, body);
	const views = adminViews(context);

	faultRoutes(router, state.faults);
	requestRoutes(router, state.requests, views.requests);
	router
		.add('GET', '/_sandbox/info', (_request, response) => ok(response, hooks.info()))
		.add('GET', '/_sandbox/executions', (_request, response) => ok(response, views.executions()))
		.add('GET', '/_sandbox/executions/:executionId', (request, response) =>
			ok(response, adminExecution(context, request.params.executionId)),
		)
		.add('POST', '/_sandbox/executions/:executionId/review', (request, response) => {
			const execution = state.executions.get(request.params.executionId);
			if (!execution) throw detail(404, 'Execution not found');
			const agent = Object.values(context.config.agents).find(
				(fixture) => fixture.id === execution.agentId,
			);
			const approve = json(request).approve !== false;
			if (!context.executions.review(execution, approve, agent)) {
				throw detail(
					400,
					`Execution is not in review (status ${formatStatus(context, execution.status)})`,
				);
			}
			ok(response, adminExecution(context, execution.id));
		})
		.add('POST', '/_sandbox/executions/:executionId/status', (request, response) => {
			const execution = state.executions.get(request.params.executionId);
			if (!execution) throw detail(404, 'Execution not found');
			const body = json(request);
			const status = String(body.status ?? '').toUpperCase() as ExecutionStatus;
			const known: ExecutionStatus[] = [
				'QUEUED',
				'RUNNING',
				'COMPLETED',
				'FAILED',
				'TERMINATED',
				'INCOMPLETE',
				'REVIEW',
			];
			if (!known.includes(status)) throw detail(400, `status must be one of ${known.join(', ')}`);
			context.executions.force(
				execution,
				status,
				body.outputs as Record<string, unknown[]> | undefined,
				body.error as string | undefined,
			);
			ok(response, adminExecution(context, execution.id));
		})
		.add('GET', '/_sandbox/webhooks', (_request, response) => ok(response, views.webhooks()))
		.add('GET', '/_sandbox/deliveries', (_request, response) => ok(response, views.deliveries()))
		.add('DELETE', '/_sandbox/deliveries', (_request, response) => {
			state.deliveries.length = 0;
			sendEmpty(response, 204);
		})
		.add('POST', '/_sandbox/deliver', (request, response) => {
			const body = json(request);
			if (typeof body.url !== 'string') throw detail(400, 'url is required');
			if (typeof body.event !== 'string') throw detail(400, 'event is required');
			const mode = body.signatureMode as SignatureMode | undefined;
			if (mode !== undefined && mode !== 'raw' && mode !== 'canonical') {
				throw detail(400, 'signatureMode must be "raw" or "canonical"');
			}
			const optionalText = (name: string) => {
				// null counts as absent: `secret: null` asks for an unsigned delivery.
				const value = body[name] ?? undefined;
				if (value !== undefined && typeof value !== 'string') {
					throw detail(400, `${name} must be a string or null`);
				}
				return value as string | undefined;
			};
			const delivery = context.deliveries.send(
				body.event,
				body.data ?? {},
				{ url: body.url, secret: optionalText('secret') ?? null, signatureMode: mode },
				{
					timestamp: optionalText('timestamp'),
					headerTimestamp: optionalText('headerTimestamp'),
					retries: body.retries !== false,
				},
			);
			sendJson(response, 202, deliveryReceipt(delivery));
		})
		.add('POST', '/_sandbox/deliveries/:deliveryId/resend', (request, response) => {
			const delivery = context.deliveries.resend(request.params.deliveryId);
			if (!delivery) throw detail(404, 'Delivery not found');
			sendJson(response, 202, deliveryReceipt(delivery));
		})
		.add('GET', '/_sandbox/grants', (_request, response) => ok(response, views.grants()))
		.add('POST', '/_sandbox/grants', (request, response) => {
			const body = json(request);
			const provider = String(body.provider ?? '');
			if (!context.config.providerScopes[provider])
				throw detail(400, `Unknown provider: ${provider}`);
			const now = context.clock.nowMs();
			const user = state.users.values().next().value!;
			const client = state.clients.values().next().value!;
			let credentialId = typeof body.credentialId === 'string' ? body.credentialId : undefined;
			if (!credentialId || !state.credentials.has(credentialId)) {
				credentialId ??= randomUUID();
				state.credentials.set(credentialId, {
					id: credentialId,
					userId: user.id,
					provider,
					deletedAt: null,
				});
			}
			const expiresIn = typeof body.expiresInSeconds === 'number' ? body.expiresInSeconds : null;
			const grant: Grant = {
				id: randomUUID(),
				clientId: typeof body.clientId === 'string' ? body.clientId : client.clientId,
				userId: user.id,
				credentialId,
				provider,
				grantedScopes: Array.isArray(body.scopes) ? (body.scopes as string[]) : [],
				permissions: Array.isArray(body.permissions) ? (body.permissions as Permission[]) : ['USE'],
				createdAt: now,
				updatedAt: now,
				lastUsedAt: null,
				expiresAt: expiresIn === null ? null : now + expiresIn * 1000,
				revokedAt: null,
			};
			state.grants.set(grant.id, grant);
			sendJson(response, 201, adminGrant(context, grant));
		})
		.add('POST', '/_sandbox/grants/:grantId/revoke', (request, response) => {
			const grant = state.grants.get(request.params.grantId);
			if (!grant) throw detail(404, 'Grant not found');
			if (grant.revokedAt !== null) throw detail(400, 'Grant has already been revoked');
			revokeGrant(state, context.deliveries, grant, context.clock.nowMs());
			ok(response, adminGrant(context, grant));
		})
		.add('GET', '/_sandbox/tokens', (_request, response) => ok(response, views.tokens()))
		.add('GET', '/_sandbox/idempotency-keys', (_request, response) =>
			ok(response, views.idempotencyKeys()),
		)
		.add('POST', '/_sandbox/consent', (request, response) => {
			const mode = json(request).mode as ConsentMode;
			if (!['manual', 'approve', 'deny'].includes(mode)) {
				throw detail(400, 'mode must be "manual", "approve" or "deny"');
			}
			state.consentMode = mode;
			ok(response, { mode });
		})
		.add('GET', '/_sandbox/config', (_request, response) => ok(response, liveConfig(context)))
		.add('POST', '/_sandbox/config', (request, response) => {
			const change = json(request);
			try {
				mergeLiveConfig(context.config, change);
			} catch (error) {
				throw detail(400, (error as Error).message);
			}
			if ('consentMode' in change) state.consentMode = context.config.consentMode;
			ok(response, liveConfig(context));
		})
		.add('POST', '/_sandbox/reset', (_request, response) => {
			hooks.reset();
			ok(response);
		});
}

/** `GET` and `DELETE /_sandbox/requests`, the same on both profiles. */
export function requestRoutes(router: Router, requests: RequestRecord[], list: () => unknown[]) {
	router
		.add('GET', '/_sandbox/requests', (_request, response) => sendJson(response, 200, list()))
		.add('DELETE', '/_sandbox/requests', (_request, response) => {
			requests.length = 0;
			sendEmpty(response, 204);
		});
}

/** A request the sandbox answered, as both profiles' `GET /_sandbox/requests` list it. */
export function requestView(clock: Clock, record: RequestRecord) {
	return {
		method: record.method,
		path: record.path,
		status: record.status,
		at: clock.iso(record.at),
		query: record.query,
		fault: record.fault,
	};
}

/** The admin lists, shared by the HTTP routes and the in-process `Sandbox` object. */
export function adminViews(context: SandboxContext) {
	const { state, clock } = context;
	return {
		requests: () =>
			state.requests.map((record) => ({
				...requestView(clock, record),
				idempotency_key: record.idempotencyKey,
			})),
		executions: () =>
			[...state.executions.values()].map((execution) => adminExecution(context, execution.id)),
		webhooks: () =>
			[...state.subscriptions.values()].map((subscription) => ({
				id: subscription.id,
				url: subscription.url,
				events: subscription.events,
				secret: subscription.secret,
				created_at: clock.iso(subscription.createdAt),
				user_id: subscription.userId,
				client_id: subscription.clientId,
			})),
		deliveries: () =>
			state.deliveries.map((delivery) => ({
				url: delivery.url,
				event: delivery.event,
				attempt: delivery.attempt,
				status: delivery.status,
				answer: delivery.answer,
				signature_mode: delivery.signatureMode,
				body: delivery.body,
				delivery_id: delivery.deliveryId,
				error: delivery.error,
				signature: delivery.signature,
				headers: delivery.headers,
				subscription_id: delivery.subscriptionId,
				execution_id: delivery.executionId,
				at: clock.iso(delivery.at),
			})),
		grants: () => [...state.grants.values()].map((grant) => adminGrant(context, grant)),
		tokens: () =>
			[...state.tokens.values()].map((token) => ({
				token: token.token,
				kind: token.kind,
				client_id: token.clientId,
				user_id: token.userId,
				scopes: token.scopes,
				created_at: clock.iso(token.createdAt),
				expires_at: clock.iso(token.expiresAt),
				revoked_at: isoOrNull(context, token.revokedAt),
				replaced_by: token.replacedBy,
				active: token.revokedAt === null && token.expiresAt > clock.nowMs(),
			})),
		idempotencyKeys: () => idempotencyKeysView(context),
	};
}

export type AdminViews = ReturnType<typeof adminViews>;

function deliveryReceipt(delivery: Delivery) {
	return {
		delivery_id: delivery.deliveryId,
		body: delivery.body,
		signature: delivery.signature,
		signature_mode: delivery.signatureMode,
	};
}

function adminExecution(context: SandboxContext, executionId: string) {
	const execution = context.state.executions.get(executionId);
	if (!execution) throw detail(404, 'Execution not found');
	return {
		execution_id: execution.id,
		agent_id: execution.agentId,
		status: formatStatus(context, execution.status),
		inputs: execution.inputs,
		grant_ids: execution.grantIds,
		webhook_url: execution.webhookUrl,
		agent_name: execution.agentName,
		used_grant_ids: execution.usedGrantIds,
		user_id: execution.userId,
		client_id: execution.clientId,
		created_at: context.clock.iso(execution.createdAt),
		started_at: isoOrNull(context, execution.startedAt),
		completed_at: isoOrNull(context, execution.completedAt),
		outputs: execution.outputs,
		error: execution.error,
		idempotency_key: execution.idempotencyKey,
	};
}

function adminGrant(context: SandboxContext, grant: Grant) {
	return {
		...grantView(context, grant),
		client_id: grant.clientId,
		user_id: grant.userId,
		valid: context.state.isGrantValid(grant, context.clock.nowMs()),
	};
}

function liveConfig(context: SandboxContext) {
	const { config } = context;
	return {
		tokenTtlSeconds: config.tokenTtlSeconds,
		refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
		statusCase: config.statusCase,
		signatureMode: config.signatureMode,
		consentMode: context.state.consentMode,
		oauthErrorStyle: config.oauthErrorStyle,
		idempotencyKeys: config.idempotencyKeys,
		rateLimits: config.rateLimits,
		timeFactor: config.timeFactor,
		clockOffsetSeconds: config.clockOffsetSeconds,
		retryDelaysSeconds: config.retryDelaysSeconds,
		deliveryTimeoutSeconds: config.deliveryTimeoutSeconds,
		apiPrefix: config.apiPrefix,
	};
}
