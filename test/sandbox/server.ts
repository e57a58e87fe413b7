// The local AutoGPT platform sandbox: one HTTP server on loopback that serves the contract's
// OAuth provider, connect page and External API, sends webhook deliveries, and offers the admin
// API under /_sandbox/. Written from ../../shared/platform-contract.md alone; it imports nothing
// from nodes/ or credentials/.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { adminRoutes, type AdminViews, adminViews } from './admin';
import { Clock } from './clock';
import { buildConfig, type PartialConfig, readConfigFile, type SandboxConfig } from './config';
import { connectRoutes } from './connect';
import type { SandboxContext } from './context';
import { DeliveryService } from './deliveries';
import { ExecutionRunner } from './executions';
import { externalApiRoutes } from './externalApi';
import { holdAnswer, playFault, takeFault } from './faults';
import { detail, HttpError, listen, readBody, Router, type SandboxRequest, sendJson } from './http';
import { oauthRoutes } from './oauth';
import { RateLimiter } from './rateLimit';
import { type FaultRule, type RequestRecord, SandboxState } from './state';

/** What the CLI prints, one JSON line. */
export interface SandboxInfo {
	url: string;
	apiUrl: string;
	clientId: string;
	clientSecret: string;
	webhookSecret: string;
	apiKey: string;
	/** Fixture name → agent ID. */
	agents: Record<string, string>;
}

export interface StartSandboxOptions {
	/** 0 (the default) picks a free port. */
	port?: number;
	/** 127.0.0.1 unless told otherwise. */
	host?: string;
	/** A JSON config file (see README.md); `config` is applied on top of it. */
	configFile?: string;
	config?: PartialConfig;
}

export interface Sandbox {
	readonly info: SandboxInfo;
	readonly url: string;
	readonly apiUrl: string;
	/** The configuration in force (changed by `POST /_sandbox/config`). */
	readonly config: SandboxConfig;
	/** Live state: executions, grants, tokens, subscriptions, deliveries, requests, faults. */
	readonly state: SandboxState;
	/** The admin API's lists (same shapes as `GET /_sandbox/<name>`), read in-process. */
	readonly views: AdminViews;
	/** Same as `POST /_sandbox/reset`. */
	reset(): void;
	/** Resolves when no delivery attempt is under way and no retry is waiting. */
	deliveriesSettled(): Promise<void>;
	stop(): Promise<void>;
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
	const startConfig = buildConfig(
		options.configFile ? readConfigFile(options.configFile) : undefined,
		options.config,
	);
	const config: SandboxConfig = structuredClone(startConfig);
	const state = new SandboxState();
	const clock = new Clock(() => config.clockOffsetSeconds);
	const deliveries = new DeliveryService(state, config, clock);
	const context: SandboxContext = {
		config,
		state,
		clock,
		rateLimiter: new RateLimiter(
			() => config.rateLimits,
			() => clock.nowMs(),
		),
		deliveries,
		executions: new ExecutionRunner(state, config, clock, deliveries),
		baseUrl: '',
	};
	state.load(config, clock.nowMs());

	let info: SandboxInfo; // eslint-disable-line prefer-const -- assigned once the server listens, read by the closures above
	const reset = () => {
		deliveries.cancelAll();
		context.rateLimiter.reset();
		// Back to the starting configuration, keeping the same object so every module sees it.
		for (const key of Object.keys(config) as Array<keyof SandboxConfig>) delete config[key];
		Object.assign(config, structuredClone(startConfig));
		state.load(config, clock.nowMs());
	};

	const router = new Router();
	oauthRoutes(router, context);
	connectRoutes(router, context);
	externalApiRoutes(router, context);
	adminRoutes(router, context, { reset, info: () => info });

	const server = createServer((request, response) => {
		handle(context, router, request, response).catch((error) => {
			if (!response.headersSent) sendJson(response, 500, { detail: 'Internal Server Error' });
			else response.destroy(error as Error);
		});
	});
	server.keepAliveTimeout = 1000;

	const url = await listen(server, options.port, options.host);
	context.baseUrl = url;
	info = {
		url,
		apiUrl: `${url}${config.apiPrefix}`,
		clientId: config.client.clientId,
		clientSecret: config.client.clientSecret,
		webhookSecret: config.client.webhookSecret,
		apiKey: config.user.apiKey,
		agents: Object.fromEntries(
			Object.entries(config.agents).map(([name, agent]) => [name, agent.id]),
		),
	};

	let stopped: Promise<void> | null = null;
	return {
		info,
		url,
		apiUrl: info.apiUrl,
		config,
		state,
		views: adminViews(context),
		reset,
		deliveriesSettled: () => deliveries.whenSettled(),
		stop: () => {
			stopped ??= stopServer(server, context);
			return stopped;
		},
	};
}

async function stopServer(server: Server, context: SandboxContext): Promise<void> {
	context.deliveries.cancelAll();
	for (const execution of context.state.executions.values()) execution.timers.forEach(clearTimeout);
	await new Promise<void>((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The request pipeline (log, faults, router, errors), shared with the live-v1 profile. */
export async function handle(
	context: { state: { requests: RequestRecord[]; faults: FaultRule[] }; clock: Clock },
	router: Router,
	raw: IncomingMessage,
	response: ServerResponse,
): Promise<void> {
	const { state, clock } = context;
	const target = new URL(raw.url ?? '/', 'http://sandbox.invalid');
	const method = (raw.method ?? 'GET').toUpperCase();
	const path = target.pathname;
	const isAdmin = path.startsWith('/_sandbox/');

	// The request log is the platform's traffic; admin calls stay out of it.
	if (!isAdmin) {
		const key = raw.headers['idempotency-key'];
		const record = {
			method,
			path,
			query: target.search,
			status: 0,
			at: clock.nowMs(),
			fault: false,
			idempotencyKey: typeof key === 'string' ? key : null,
		};
		state.requests.push(record);
		response.on('finish', () => {
			record.status = response.statusCode;
		});
	}

	const fault = takeFault(state.faults, method, path);
	if (fault && !isAdmin) state.requests[state.requests.length - 1].fault = true;
	if (fault && !fault.afterRoute && (await playFault(fault, raw, response))) return;

	const afterAnswer: Array<() => void> = [];
	const held = fault?.afterRoute ? holdAnswer(fault, raw, response) : undefined;
	await route(router, raw, response, { method, path, target, isAdmin, afterAnswer });
	await held?.play();
	for (const hook of afterAnswer) hook();
}

async function route(
	router: Router,
	raw: IncomingMessage,
	response: ServerResponse,
	where: {
		method: string;
		path: string;
		target: URL;
		isAdmin: boolean;
		afterAnswer: Array<() => void>;
	},
): Promise<void> {
	const { method, path, target, isAdmin, afterAnswer } = where;
	try {
		if (isAdmin && !LOOPBACK.has(raw.socket.remoteAddress ?? '')) {
			throw detail(403, 'The sandbox admin API answers loopback callers only');
		}
		const body = await readBody(raw);
		const found = router.match(method, path);
		if ('status' in found) {
			throw detail(found.status, found.status === 404 ? 'Not Found' : 'Method Not Allowed');
		}
		if ('redirectTo' in found) {
			// FastAPI's redirect_slashes: `/grants` → 307 → `/grants/`.
			response.writeHead(307, {
				location: `${found.redirectTo}${target.search}`,
				'content-length': 0,
			});
			response.end();
			return;
		}
		const request: SandboxRequest = {
			raw,
			method,
			path,
			query: target.searchParams,
			params: found.params,
			body,
			headers: raw.headers,
			afterAnswer,
		};
		await found.handler(request, response);
	} catch (error) {
		if (!(error instanceof HttpError)) throw error;
		if (response.headersSent) return;
		sendJson(response, error.status, error.body, error.headers);
	}
}
