// The live-v1 sandbox: today's AutoGPT External API v1 on loopback, with the admin API under
// /_sandbox/. Written from the contract (§10) and the live OpenAPI document alone; it imports
// nothing from nodes/ or credentials/.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
import { createServer, type Server, type ServerResponse } from 'node:http';

import { Clock } from '../clock';
import { listen, Router, sendJson } from '../http';
import { RateLimiter } from '../rateLimit';
import { handle } from '../server';
import { liveV1AdminRoutes, type LiveV1AdminViews, liveV1AdminViews } from './admin';
import { type LiveV1Context, liveV1Routes } from './api';
import {
	buildLiveV1Config,
	type LiveV1Config,
	type PartialLiveV1Config,
	readLiveV1ConfigFile,
} from './config';
import { LiveV1Runner } from './runner';
import { type LiveRequestRecord, LiveV1State } from './state';

/** What `npm run sandbox -- --profile live-v1` prints, one JSON line. */
export interface LiveV1SandboxInfo {
	profile: 'live-v1';
	url: string;
	/** The base that `/v1/...` paths hang from. */
	apiUrl: string;
	apiKey: string;
	/** Fixture name → graph ID and its latest version. */
	graphs: Record<string, { id: string; version: number }>;
	/** Fixture name → `username/agent-name` of its store listing. */
	storeAgents: Record<string, string>;
	/** Fixture name → block ID. */
	blocks: Record<string, string>;
}

export interface StartLiveV1Options {
	port?: number;
	host?: string;
	configFile?: string;
	config?: PartialLiveV1Config;
}

export interface LiveV1Sandbox {
	readonly info: LiveV1SandboxInfo;
	readonly url: string;
	readonly apiUrl: string;
	readonly config: LiveV1Config;
	readonly state: LiveV1State;
	readonly views: LiveV1AdminViews;
	reset(): void;
	stop(): Promise<void>;
}

export async function startLiveV1Sandbox(options: StartLiveV1Options = {}): Promise<LiveV1Sandbox> {
	const startConfig = buildLiveV1Config(
		options.configFile ? readLiveV1ConfigFile(options.configFile) : undefined,
		options.config,
	);
	const config = structuredClone(startConfig);
	const state = new LiveV1State();
	const clock = new Clock(() => config.clockOffsetSeconds);
	const context: LiveV1Context = {
		config,
		state,
		clock,
		rateLimiter: new RateLimiter(
			() => config.rateLimits,
			() => clock.nowMs(),
		),
		runner: new LiveV1Runner(state, config, clock),
	};
	state.load(config);

	let info: LiveV1SandboxInfo; // eslint-disable-line prefer-const -- assigned once the server listens
	const reset = () => {
		context.rateLimiter.reset();
		for (const key of Object.keys(config) as Array<keyof LiveV1Config>) delete config[key];
		Object.assign(config, structuredClone(startConfig));
		state.load(config);
	};

	const router = new Router();
	liveV1Routes(router, context);
	liveV1AdminRoutes(router, context, { reset, info: () => info });

	const server = createServer((request, response) => {
		// The pipeline logs the request before it answers: the answer is kept in that record.
		if (!(request.url ?? '').startsWith('/_sandbox/')) {
			const index = state.requests.length;
			keepAnswer(response, () => state.requests[index]);
		}
		handle(context, router, request, response).catch((error) => {
			if (!response.headersSent) sendJson(response, 500, { detail: 'Internal Server Error' });
			else response.destroy(error as Error);
		});
	});
	server.keepAliveTimeout = 1000;
	const url = await listen(server, options.port, options.host);
	info = {
		profile: 'live-v1',
		url,
		apiUrl: `${url}${config.apiPrefix}`,
		apiKey: config.user.apiKey,
		graphs: Object.fromEntries(
			Object.entries(config.graphs).map(([name, graph]) => [
				name,
				{ id: graph.id, version: Math.max(...graph.versions) },
			]),
		),
		storeAgents: Object.fromEntries(
			config.storeAgents.map((agent) => [agent.graph, `${agent.creator}/${agent.slug}`]),
		),
		blocks: Object.fromEntries(
			Object.entries(config.blocks).map(([name, block]) => [name, block.id]),
		),
	};

	let stopped: Promise<void> | null = null;
	return {
		info,
		url,
		apiUrl: info.apiUrl,
		config,
		state,
		views: liveV1AdminViews(context),
		reset,
		stop: () => {
			stopped ??= stopServer(server, state);
			return stopped;
		},
	};
}

async function stopServer(server: Server, state: LiveV1State): Promise<void> {
	for (const execution of state.executions.values()) execution.timers.forEach(clearTimeout);
	await new Promise<void>((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}

/** Remembers the content type and body of an answer, for the conformance test. */
function keepAnswer(response: ServerResponse, recordOf: () => LiveRequestRecord | undefined): void {
	const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
	response.writeHead = ((...args: unknown[]) => {
		const headers = args.find((arg) => typeof arg === 'object' && arg !== null) as
			| Record<string, unknown>
			| undefined;
		const type = Object.entries(headers ?? {}).find(
			([name]) => name.toLowerCase() === 'content-type',
		);
		const record = recordOf();
		if (type && record) record.contentType = String(type[1]);
		return writeHead(...args);
	}) as ServerResponse['writeHead'];
	const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
	response.end = ((...args: unknown[]) => {
		const [chunk] = args;
		const record = recordOf();
		if (record && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) {
			record.response = chunk.toString();
		}
		return end(...args);
	}) as ServerResponse['end'];
	response.on('finish', () => {
		const record = recordOf();
		if (record) record.contentType ||= String(response.getHeader('content-type') ?? '');
	});
}
