// The loopback-only control surface of the live-v1 sandbox, under `/_sandbox/`: the same verbs as
// the other profile's where they apply (reset, config, faults, executions, requests), and API keys
// minted with chosen permissions.
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { requestRoutes, requestView } from '../admin';
import { faultRoutes } from '../faults';
import { adminBody, detail, Router, sendJson } from '../http';
import type { LiveV1Context } from './api';
import { resultsView } from './api';
import { type LiveV1Config, mergeLiveV1Config, type Permission, PERMISSIONS } from './config';
import type { ExecutionStatus, GraphExecution } from './state';

export interface LiveV1AdminHooks {
	reset(): void;
	info(): unknown;
}

const STATUSES: ExecutionStatus[] = [
	'INCOMPLETE',
	'QUEUED',
	'RUNNING',
	'COMPLETED',
	'TERMINATED',
	'FAILED',
	'REVIEW',
];

export function liveV1AdminRoutes(
	router: Router,
	context: LiveV1Context,
	hooks: LiveV1AdminHooks,
): void {
	const { state } = context;
	const body = adminBody;
	const ok = (response: ServerResponse, answer: unknown = { ok: true }) =>
		sendJson(response, 200, answer);
	const execution = (id: string): GraphExecution => {
		const found = state.executions.get(id);
		if (!found) throw detail(404, 'Execution not found');
		return found;
	};
	const views = liveV1AdminViews(context);

	faultRoutes(router, state.faults);
	requestRoutes(router, state.requests, views.requests);
	router
		.add('GET', '/_sandbox/info', (_request, response) => ok(response, hooks.info()))
		.add('POST', '/_sandbox/reset', (_request, response) => {
			hooks.reset();
			ok(response);
		})
		.add('GET', '/_sandbox/config', (_request, response) =>
			ok(response, liveConfig(context.config)),
		)
		.add('POST', '/_sandbox/config', (request, response) => {
			try {
				mergeLiveV1Config(context.config, body(request));
			} catch (error) {
				throw detail(400, (error as Error).message);
			}
			ok(response, liveConfig(context.config));
		})
		.add('POST', '/_sandbox/api-keys', (request, response) => {
			const permissions = body(request).permissions;
			if (
				!Array.isArray(permissions) ||
				permissions.some((permission) => !(PERMISSIONS as readonly unknown[]).includes(permission))
			) {
				throw detail(400, `permissions must be a list of: ${PERMISSIONS.join(', ')}`);
			}
			const key = `agpt_${randomBytes(32).toString('base64url')}`;
			state.apiKeys.set(key, {
				key,
				userId: context.config.user.id,
				permissions: [...new Set(permissions as Permission[])],
			});
			sendJson(response, 201, { apiKey: key, permissions: state.apiKeys.get(key)!.permissions });
		})
		.add('GET', '/_sandbox/executions', (_request, response) => ok(response, views.executions()))
		.add('GET', '/_sandbox/executions/:executionId', (request, response) =>
			ok(response, adminExecution(context, execution(request.params.executionId))),
		)
		.add('POST', '/_sandbox/executions/:executionId/review', (request, response) => {
			const found = execution(request.params.executionId);
			const graph = Object.values(context.config.graphs).find(
				(fixture) => fixture.id === found.graphId,
			);
			if (!context.runner.review(found, body(request).approve !== false, graph)) {
				throw detail(400, `Execution is not in review (status ${found.status})`);
			}
			ok(response, adminExecution(context, found));
		})
		.add('POST', '/_sandbox/executions/:executionId/status', (request, response) => {
			const found = execution(request.params.executionId);
			const change = body(request);
			const status = String(change.status ?? '').toUpperCase() as ExecutionStatus;
			if (!STATUSES.includes(status))
				throw detail(400, `status must be one of ${STATUSES.join(', ')}`);
			context.runner.force(
				found,
				status,
				change.outputs as Record<string, unknown[]> | undefined,
				change.error as string | undefined,
			);
			ok(response, adminExecution(context, found));
		})
		.add('GET', '/_sandbox/credentials', (_request, response) =>
			ok(response, [...state.credentials.values()]),
		);
}

export function liveV1AdminViews(context: LiveV1Context) {
	const { state, clock } = context;
	return {
		requests: () =>
			state.requests.map((record) => ({
				...requestView(clock, record),
				response: record.response,
				content_type: record.contentType,
			})),
		executions: () =>
			[...state.executions.values()].map((execution) => adminExecution(context, execution)),
	};
}

export type LiveV1AdminViews = ReturnType<typeof liveV1AdminViews>;

function adminExecution(context: LiveV1Context, execution: GraphExecution) {
	return {
		execution_id: execution.id,
		graph_id: execution.graphId,
		graph_version: execution.graphVersion,
		status: execution.status,
		inputs: execution.inputs,
		graph_name: execution.graphName,
		user_id: execution.userId,
		created_at: context.clock.iso(execution.createdAt),
		ended_at: execution.endedAt === null ? null : context.clock.iso(execution.endedAt),
		results: resultsView(execution),
	};
}

function liveConfig(config: LiveV1Config) {
	return {
		apiPrefix: config.apiPrefix,
		rateLimits: { execute: config.rateLimits.execute, read: config.rateLimits.read },
		timeFactor: config.timeFactor,
		clockOffsetSeconds: config.clockOffsetSeconds,
		paywall: config.paywall,
	};
}
