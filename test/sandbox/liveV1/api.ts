// AutoGPT's External API v1 as platform.agpt.co serves it today (contract §10): API keys with
// permissions, graphs run by ID and version and polled for results, blocks, the store, and the
// user's integration credentials. Shapes follow the live OpenAPI document (test/fixtures/live-v1/).
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import type { ServerResponse } from 'node:http';

import { orderedKeys, PyFloat, pythonJsonDumps } from '../canonical';
import type { Clock } from '../clock';
import { setHeaders } from '../context';
import { isRecord } from '../externalApi';
import {
	detail,
	jsonBody,
	Router,
	type SandboxRequest,
	sendJson,
	type ValidationIssue,
	validationError,
} from '../http';
import type { RateClass, RateLimiter } from '../rateLimit';
import type {
	BlockFixture,
	GraphFixture,
	LiveV1Config,
	Permission,
	StoreAgentFixture,
} from './config';
import type { LiveV1Runner } from './runner';
import type { ApiKey, GraphExecution, LiveV1State } from './state';

export interface LiveV1Context {
	readonly config: LiveV1Config;
	readonly state: LiveV1State;
	readonly clock: Clock;
	readonly rateLimiter: RateLimiter;
	readonly runner: LiveV1Runner;
}

type Handler = (key: ApiKey, request: SandboxRequest, response: ServerResponse) => void;

interface Guard {
	rateClass: RateClass;
	/** null: any valid key (the store endpoints do not check READ_STORE). */
	permission: Permission | null;
	/** Charged calls answer 402 while the paywall is up. */
	charged?: boolean;
}

export function liveV1Routes(router: Router, context: LiveV1Context): void {
	const v1 = `${context.config.apiPrefix}/v1`;
	const guarded =
		(guard: Guard, handler: Handler) => (request: SandboxRequest, response: ServerResponse) => {
			const key = authenticate(context, request);
			if (guard.permission && !key.permissions.includes(guard.permission)) {
				throw detail(403, `Missing required permission(s): ${guard.permission}`);
			}
			// PR #14545: per (user, credential).
			setHeaders(response, context.rateLimiter.take(guard.rateClass, key.key));
			if (guard.charged && context.config.paywall) {
				throw detail(402, 'Insufficient balance: add credits to your AutoGPT account to run this');
			}
			handler(key, request, response);
		};
	const read = (permission: Permission | null, handler: Handler) =>
		guarded({ rateClass: 'read', permission }, handler);
	const charged = (permission: Permission, handler: Handler) =>
		guarded({ rateClass: 'execute', permission, charged: true }, handler);

	router
		.add(
			'GET',
			`${v1}/me`,
			read('IDENTITY', (key, _request, response) => {
				const { user } = context.config;
				sendJson(response, 200, {
					id: key.userId,
					name: user.name,
					email: user.email,
					timezone: user.timezone,
				});
			}),
		)
		.add(
			'GET',
			`${v1}/blocks`,
			read('READ_BLOCK', (_key, _request, response) =>
				sendJson(response, 200, Object.values(context.config.blocks).map(blockView)),
			),
		)
		.add(
			'POST',
			`${v1}/blocks/:blockId/execute`,
			charged('EXECUTE_BLOCK', (_key, request, response) =>
				sendJson(response, 200, executeBlock(context, request)),
			),
		)
		.add(
			'POST',
			`${v1}/graphs/:graphId/execute/:graphVersion`,
			charged('EXECUTE_GRAPH', (key, request, response) =>
				sendJson(response, 200, { id: executeGraph(context, key, request).id }),
			),
		)
		.add(
			'GET',
			`${v1}/graphs/:graphId/executions/:executionId/results`,
			read('READ_GRAPH', (key, request, response) => {
				const execution = context.state.executions.get(request.params.executionId);
				// Like today's platform, the path's graph ID is not checked against the execution.
				if (!execution || execution.userId !== key.userId) {
					throw detail(404, `Graph execution #${request.params.executionId} not found.`);
				}
				sendJson(response, 200, resultsView(execution));
			}),
		)
		.add(
			'GET',
			`${v1}/store/agents`,
			read(null, (_key, request, response) =>
				sendJson(response, 200, searchStore(context, request)),
			),
		)
		.add(
			'GET',
			`${v1}/store/agents/:username/:agentName`,
			read(null, (_key, request, response) => {
				const username = request.params.username.toLowerCase();
				const slug = request.params.agentName.toLowerCase();
				const listing = storeListings(context).find(
					(agent) => agent.creator === username && agent.slug === slug,
				);
				if (!listing) throw detail(404, `Store agent ${username}/${slug} not found`);
				sendJson(response, 200, storeAgentDetails(context, listing));
			}),
		)
		.add(
			'GET',
			`${v1}/integrations/credentials`,
			read('READ_INTEGRATIONS', (_key, _request, response) =>
				sendJson(response, 200, [...context.state.credentials.values()]),
			),
		)
		.add(
			'GET',
			`${v1}/integrations/:provider/credentials`,
			read('READ_INTEGRATIONS', (_key, request, response) =>
				sendJson(
					response,
					200,
					[...context.state.credentials.values()].filter(
						(credential) => credential.provider === request.params.provider,
					),
				),
			),
		)
		.add(
			'DELETE',
			`${v1}/integrations/:provider/credentials/:credentialId`,
			read('DELETE_INTEGRATIONS', (_key, request, response) => {
				const credential = context.state.credentials.get(request.params.credentialId);
				if (!credential || credential.provider !== request.params.provider) {
					throw detail(404, 'Credentials not found');
				}
				context.state.credentials.delete(credential.id);
				sendJson(response, 200, { deleted: true, credentials_id: credential.id });
			}),
		);
}

/** `X-API-Key`; today's platform answers 401 in these words. */
function authenticate(context: LiveV1Context, request: SandboxRequest): ApiKey {
	const header = request.headers['x-api-key'];
	if (typeof header === 'string' && header !== '') {
		const key = context.state.apiKeys.get(header);
		if (!key) throw detail(401, 'Invalid API key');
		return key;
	}
	if (request.headers.authorization) throw detail(401, 'Invalid token');
	throw detail(401, 'Missing authentication. Provide API key or access token.');
}

// ---------------------------------------------------------------- graphs

function executeGraph(
	context: LiveV1Context,
	key: ApiKey,
	request: SandboxRequest,
): GraphExecution {
	const { graphId, graphVersion } = request.params;
	if (!/^-?\d+$/.test(graphVersion)) {
		throw validationError([
			{
				loc: ['path', 'graph_version'],
				msg: 'Input should be a valid integer, unable to parse string as an integer',
				type: 'int_parsing',
			},
		]);
	}
	const inputs = nodeInput(request);
	const graph = Object.values(context.config.graphs).find((fixture) => fixture.id === graphId);
	const version = Number(graphVersion);
	// The platform turns every failure to start into a 400 with the exception's words.
	if (!graph || !graph.versions.includes(version))
		throw detail(400, `Graph #${graphId} not found.`);
	return context.runner.start(graph, version, key.userId, inputs);
}

/** The body is optional (`node_input` defaults to {}); when given it must be `{"node_input": {…}}`. */
function nodeInput(request: SandboxRequest): Record<string, unknown> {
	if (request.body.toString('utf8').trim() === '') return {};
	const body = jsonBody(request);
	if (!isRecord(body)) {
		throw validationError([
			{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' },
		]);
	}
	if (body.node_input === undefined) return {};
	if (!isRecord(body.node_input)) {
		throw validationError([
			{
				loc: ['body', 'node_input'],
				msg: 'Input should be a valid dictionary',
				type: 'dict_type',
			},
		]);
	}
	return body.node_input;
}

/** `output` lists one `{name: value}` per value, only once COMPLETED; values are written as text. */
export function resultsView(execution: GraphExecution) {
	return {
		execution_id: execution.id,
		status: execution.status,
		nodes: execution.nodes,
		output:
			execution.status === 'COMPLETED'
				? Object.entries(execution.outputs).flatMap(([name, values]) =>
						values.map((value) => ({ [name]: asText(value) })),
					)
				: null,
	};
}

/** The live document types output values as strings. */
function asText(value: unknown): string {
	return typeof value === 'string' ? value : pythonJsonDumps(value, { ensureAscii: false });
}

// ---------------------------------------------------------------- blocks

function blockView(block: BlockFixture) {
	const schema = (fields: Record<string, string>, required: string[] = []) => ({
		type: 'object',
		properties: Object.fromEntries(
			Object.entries(fields).map(([name, type]) => [
				name,
				type === 'any' ? { title: titleCase(name) } : { title: titleCase(name), type },
			]),
		),
		required,
	});
	return {
		id: block.id,
		name: block.name,
		inputSchema: schema(block.inputs, block.required),
		outputSchema: schema(block.outputs),
		description: block.description,
		categories: [{ category: block.category, description: `${titleCase(block.category)} blocks` }],
		contributors: [],
		staticOutput: false,
		uiType: 'Standard',
	};
}

function executeBlock(context: LiveV1Context, request: SandboxRequest): Record<string, unknown[]> {
	const block = Object.values(context.config.blocks).find(
		(fixture) => fixture.id === request.params.blockId,
	);
	if (!block) throw detail(404, `Block #${request.params.blockId} not found.`);
	const input = jsonBody(request);
	if (!isRecord(input)) {
		throw validationError([
			{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' },
		]);
	}
	const missing = (block.required ?? []).find((name) => input[name] === undefined);
	if (missing) {
		throw detail(
			400,
			`Unable to execute block with invalid input data: '${missing}' is a required property`,
		);
	}
	switch (block.behavior) {
		case 'calculator': {
			const a = numberOf(input.a);
			const b = numberOf(input.b);
			const operations: Record<string, () => number> = {
				Add: () => a + b,
				Subtract: () => a - b,
				Multiply: () => a * b,
				Divide: () => a / b,
				Power: () => a ** b,
			};
			const operation = operations[String(input.operation)];
			if (!operation || !Number.isFinite(a) || !Number.isFinite(b)) {
				throw detail(400, `Unable to execute block with invalid input data: ${describe(input)}`);
			}
			if (String(input.operation) === 'Divide' && b === 0) {
				throw detail(400, 'Cannot divide by zero');
			}
			return { result: [new PyFloat(operation())] };
		}
		case 'combineTexts': {
			if (!Array.isArray(input.input)) {
				throw detail(
					400,
					"Unable to execute block with invalid input data: 'input' is not an array",
				);
			}
			const delimiter = typeof input.delimiter === 'string' ? input.delimiter : '';
			return { output: [input.input.map((text) => String(text)).join(delimiter)] };
		}
		case 'storeValue':
		default:
			return { output: [input.input ?? input.data ?? null] };
	}
}

// ---------------------------------------------------------------- store

interface Listing extends StoreAgentFixture {
	graphId: string;
	versions: number[];
	listingVersionId: string;
}

/** The fixture listings, then the generated filler, in a stable order. */
function storeListings(context: LiveV1Context): Listing[] {
	const { graphs, storeAgents, generatedStoreAgents } = context.config;
	const filler: StoreAgentFixture[] = Array.from({ length: generatedStoreAgents }, (_, index) => ({
		creator: 'sandbox-creator',
		slug: `research-assistant-${index + 1}`,
		graph: 'echo',
		agentName: `Research Assistant ${index + 1}`,
		subHeading: 'Finds and summarises sources',
		description: 'Searches the web for a topic and writes a short summary with links.',
		categories: ['research'],
		runs: (index + 1) * 7,
		rating: 3 + ((index * 7) % 20) / 10,
		featured: false,
	}));
	return [...storeAgents, ...filler].flatMap((agent, index) => {
		const graph: GraphFixture | undefined = graphs[agent.graph];
		if (!graph) return [];
		return [
			{
				...agent,
				graphId: graph.id,
				versions: graph.versions,
				listingVersionId: `5a1e0000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
			},
		];
	});
}

function searchStore(context: LiveV1Context, request: SandboxRequest) {
	const issues: ValidationIssue[] = [];
	const integer = (name: string, fallback: number) => {
		const raw = request.query.get(name);
		if (raw === null) return fallback;
		if (!/^-?\d+$/.test(raw)) {
			issues.push({
				loc: ['query', name],
				msg: 'Input should be a valid integer, unable to parse string as an integer',
				type: 'int_parsing',
			});
			return fallback;
		}
		return Number(raw);
	};
	const page = integer('page', 1);
	const pageSize = integer('page_size', 20);
	const sortedBy = request.query.get('sorted_by');
	const sorts = ['rating', 'runs', 'name', 'updated_at'];
	if (sortedBy !== null && !sorts.includes(sortedBy)) {
		issues.push({
			loc: ['query', 'sorted_by'],
			msg: "Input should be 'rating', 'runs', 'name' or 'updated_at'",
			type: 'literal_error',
		});
	}
	if (issues.length > 0) throw validationError(issues);
	if (page < 1) throw detail(422, 'Page must be greater than 0');
	if (pageSize < 1) throw detail(422, 'Page size must be greater than 0');

	const search = request.query.get('search_query')?.toLowerCase();
	const creator = request.query.get('creator')?.toLowerCase();
	const category = request.query.get('category')?.toLowerCase();
	const featured = request.query.get('featured') === 'true';
	let found = storeListings(context).filter(
		(agent) =>
			(!search ||
				[agent.agentName, agent.subHeading, agent.description].some((text) =>
					text.toLowerCase().includes(search),
				)) &&
			(!creator || agent.creator === creator) &&
			(!category || agent.categories.includes(category)) &&
			(!featured || agent.featured),
	);
	if (sortedBy === 'rating') found = [...found].sort((a, b) => b.rating - a.rating);
	if (sortedBy === 'runs') found = [...found].sort((a, b) => b.runs - a.runs);
	if (sortedBy === 'name')
		found = [...found].sort((a, b) => a.agentName.localeCompare(b.agentName));
	const start = (page - 1) * pageSize;
	return {
		agents: found.slice(start, start + pageSize).map((agent) => ({
			slug: agent.slug,
			agent_name: agent.agentName,
			agent_image: `https://media.example.com/store/${agent.slug}.png`,
			creator: agent.creator,
			creator_avatar: `https://media.example.com/creators/${agent.creator}.png`,
			sub_heading: agent.subHeading,
			description: agent.description,
			runs: agent.runs,
			rating: new PyFloat(agent.rating),
			agent_graph_id: agent.graphId,
		})),
		pagination: {
			total_items: found.length,
			total_pages: Math.ceil(found.length / pageSize),
			current_page: page,
			page_size: pageSize,
		},
	};
}

function storeAgentDetails(context: LiveV1Context, agent: Listing) {
	const versions = agent.versions.map(String);
	return {
		store_listing_version_id: agent.listingVersionId,
		slug: agent.slug,
		agent_name: agent.agentName,
		agent_video: '',
		agent_output_demo: '',
		agent_image: [`https://media.example.com/store/${agent.slug}.png`],
		creator: agent.creator,
		creator_avatar: `https://media.example.com/creators/${agent.creator}.png`,
		sub_heading: agent.subHeading,
		description: agent.description,
		instructions: null,
		categories: agent.categories,
		runs: agent.runs,
		rating: new PyFloat(agent.rating),
		versions,
		graph_id: agent.graphId,
		graph_versions: versions,
		last_updated: context.clock.iso(),
		recommended_schedule_cron: null,
		owning_org_id: null,
		active_version_id: agent.listingVersionId,
		has_approved_version: true,
		changelog: null,
	};
}

// ---------------------------------------------------------------- shared

function numberOf(value: unknown): number {
	if (value instanceof PyFloat) return value.value;
	return typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
}

function describe(input: Record<string, unknown>): string {
	return orderedKeys(input)
		.map((name) => `${name}=${pythonJsonDumps(input[name])}`)
		.join(', ');
}

function titleCase(name: string): string {
	return name
		.toLowerCase()
		.split(/[_\s]+/)
		.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
		.join(' ');
}
