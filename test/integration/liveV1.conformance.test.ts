// Conformance of the live-v1 sandbox to today's AutoGPT, judged by the live OpenAPI document
// (test/fixtures/live-v1/, captured from backend.agpt.co): every operation of the package on that
// profile runs through n8n-core against the sandbox, successes and failures alike, and every answer
// the sandbox gave is then validated against the document's schema for its operation and status.
// Statuses the document does not list (400, 401, 402, 403, 404) must be FastAPI's {"detail": "…"}.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv2020 from 'ajv/dist/2020';
import type { IDataObject } from 'n8n-workflow';

import type { LiveV1Sandbox } from '../sandbox/liveV1/server';
import { liveAdmin, mintApiKey, startTestLiveV1Sandbox } from '../sandbox/liveV1/testkit';
import { apiKeyCredentials, runAutoGpt, TestCredentialsHelper } from '../helpers/workflow';

interface OpenApi {
	servers: Array<{ url: string }>;
	paths: Record<
		string,
		Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
	>;
}

const DOCUMENT = join(__dirname, '../fixtures/live-v1/autogpt-external-api-openapi.json');
const openApi = JSON.parse(readFileSync(DOCUMENT, 'utf8')) as OpenApi;

/** The operations the package sends on today's platform (transport/profiles/liveV1.ts). */
const USED = [
	'get /v1/me',
	'get /v1/blocks',
	'post /v1/blocks/{block_id}/execute',
	'post /v1/graphs/{graph_id}/execute/{graph_version}',
	'get /v1/graphs/{graph_id}/executions/{graph_exec_id}/results',
	'get /v1/store/agents',
	'get /v1/store/agents/{username}/{agent_name}',
	'get /v1/integrations/credentials',
	'get /v1/integrations/{provider}/credentials',
	'delete /v1/integrations/{provider}/credentials/{cred_id}',
];

const ajv = new Ajv2020({ strict: false, allErrors: true });
// Python's isoformat, as the platform writes date-times.
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
ajv.addSchema(openApi, 'live');
const detailOnly = ajv.compile({
	type: 'object',
	required: ['detail'],
	properties: { detail: { type: 'string' } },
	additionalProperties: false,
});

const pointer = (...parts: string[]) =>
	parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The document's operation (`method template`) that a request path belongs to. */
function operationOf(method: string, path: string): string | undefined {
	const prefix = openApi.servers[0].url;
	return Object.keys(openApi.paths)
		.filter((template) => openApi.paths[template][method.toLowerCase()])
		.find((template) =>
			new RegExp(`^${prefix}${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
		)
		?.replace(/^/, `${method.toLowerCase()} `);
}

let sandbox: LiveV1Sandbox;
const credentials = (apiKey = sandbox.info.apiKey) =>
	new TestCredentialsHelper({ autoGptApi: apiKeyCredentials(apiKey, sandbox.url, sandbox.apiUrl) });
const graph = (name: string) => sandbox.info.graphs[name];
const byId = (name: string, version = graph(name).version) => ({
	resource: 'agent',
	operation: 'execute',
	agent: { __rl: true, mode: 'id', value: graph(name).id },
	agentVersion: String(version),
	inputSource: 'json',
	inputsJson: '={{ JSON.stringify($json) }}',
	options: { pollInterval: 0.25, timeout: 30 },
});
const block = (inputs: IDataObject, blockId = sandbox.info.blocks.calculator) => ({
	resource: 'block',
	operation: 'execute',
	blockId: { __rl: true, mode: 'id', value: blockId },
	inputSource: 'json',
	inputsJson: JSON.stringify(inputs),
});

jest.setTimeout(120_000);

beforeAll(async () => {
	sandbox = await startTestLiveV1Sandbox({
		rateLimits: { execute: { perMinute: 0 }, read: { perMinute: 0 } },
		generatedStoreAgents: 60,
	});
});
afterAll(async () => {
	await sandbox.stop();
});

test('every answer to every operation the package uses validates against the live OpenAPI document', async () => {
	const narrowKey = await mintApiKey(sandbox, ['READ_GRAPH']);
	const runs: Array<{ parameters: IDataObject; items?: IDataObject[]; apiKey?: string }> = [
		// successes
		{ parameters: { resource: 'account', operation: 'get' } },
		{ parameters: { resource: 'block', operation: 'getAll', returnAll: true, simplify: false } },
		{ parameters: block({ operation: 'Add', a: 1, b: 2.5 }) },
		{ parameters: block({ input: ['a', 'b'], delimiter: '-' }, sandbox.info.blocks.textCombiner) },
		{ parameters: block({ input: { nested: [1, 'two'] } }, sandbox.info.blocks.storeValue) },
		{ parameters: byId('echo'), items: [{ text: 'é ü 日本', n: 1.5, list: [1, 2], flag: true }] },
		{ parameters: byId('failing'), items: [{ message: 'quota' }] },
		{ parameters: byId('partial'), items: [{ a: 'x', b: 'y' }] },
		{ parameters: byId('review') },
		{
			parameters: {
				...byId('echo'),
				agent: { __rl: true, mode: 'store', value: sandbox.info.storeAgents.echo },
				agentVersion: '',
			},
		},
		{ parameters: { resource: 'store', operation: 'search', returnAll: true } },
		{
			parameters: {
				resource: 'store',
				operation: 'search',
				query: 'research',
				limit: 5,
				filters: { sortedBy: 'rating', creator: 'sandbox-creator', featured: false },
			},
		},
		{
			parameters: {
				resource: 'store',
				operation: 'get',
				storeAgent: sandbox.info.storeAgents.slow,
			},
		},
		{ parameters: { resource: 'integrationCredential', operation: 'getAll', returnAll: true } },
		{ parameters: { resource: 'integrationCredential', operation: 'getAll', provider: 'openai' } },
		{
			parameters: {
				resource: 'integrationCredential',
				operation: 'delete',
				credentialId: { __rl: true, mode: 'id', value: '0b6d1c2e-4f5a-4b6c-8d7e-9f0a1b2c3d02' },
			},
		},
		// failures
		{ parameters: byId('echo', 99) },
		{ parameters: { resource: 'account', operation: 'get' }, apiKey: 'agpt_unknown' },
		{ parameters: byId('echo'), apiKey: narrowKey },
		{ parameters: block({ operation: 'Add' }) },
		{ parameters: block({}, '00000000-0000-4000-8000-000000000000') },
		{
			parameters: {
				resource: 'execution',
				operation: 'get',
				executionId: 'nope',
				agentId: graph('echo').id,
			},
		},
		{ parameters: { resource: 'store', operation: 'get', storeAgent: 'nobody/nothing' } },
	];
	for (const run of runs) {
		await runAutoGpt({
			credentials: credentials(run.apiKey),
			parameters: run.parameters,
			inputItems: run.items,
			continueOnFail: true,
		});
	}
	await liveAdmin(sandbox, 'POST', 'config', { paywall: true });
	await runAutoGpt({ credentials: credentials(), parameters: byId('echo'), continueOnFail: true });
	await runAutoGpt({
		credentials: credentials(),
		parameters: block({ operation: 'Add', a: 1, b: 1 }),
		continueOnFail: true,
	});

	const answers = (await liveAdmin(sandbox, 'GET', 'requests')).json as Array<{
		method: string;
		path: string;
		status: number;
		fault: boolean;
		response: string;
		content_type: string;
	}>;
	const seen = new Set<string>();
	const statuses = new Set<number>();
	const problems: string[] = [];
	for (const answer of answers) {
		const operation = operationOf(answer.method, answer.path);
		if (!operation) {
			problems.push(`${answer.method} ${answer.path}: not an operation of the live document`);
			continue;
		}
		seen.add(operation);
		statuses.add(answer.status);
		if (answer.content_type !== 'application/json') {
			problems.push(`${operation} ${answer.status}: content type ${answer.content_type}`);
		}
		const [method, template] = operation.split(' ');
		const documented = openApi.paths[template][method].responses[String(answer.status)];
		const validate = documented?.content
			? ajv.getSchema(
					`live#/${pointer('paths', template, method, 'responses', String(answer.status), 'content', 'application/json', 'schema')}`,
				)!
			: detailOnly;
		if (!documented && answer.status < 400) {
			problems.push(`${operation}: status ${answer.status} is not in the document`);
		}
		if (!validate(JSON.parse(answer.response))) {
			problems.push(
				`${operation} ${answer.status}: ${ajv.errorsText(validate.errors)} in ${answer.response.slice(0, 300)}`,
			);
		}
	}
	expect(problems).toEqual([]);
	expect([...seen].sort()).toEqual([...USED].sort());
	expect([...statuses].sort()).toEqual([200, 400, 401, 402, 403, 404]);
	expect(answers.length).toBeGreaterThanOrEqual(runs.length + 2);
});

test('the document catches an answer of the wrong shape (a control of the validation itself)', () => {
	const results = ajv.getSchema(
		`live#/${pointer('paths', '/v1/graphs/{graph_id}/executions/{graph_exec_id}/results', 'get', 'responses', '200', 'content', 'application/json', 'schema')}`,
	)!;
	const answer = { execution_id: 'e', status: 'COMPLETED', nodes: [], output: [{ a: 'text' }] };
	expect(results(answer)).toBe(true);
	expect(results({ ...answer, output: [{ a: 1 }] })).toBe(false);
	expect(results({ execution_id: 'e', status: 'COMPLETED', nodes: [] })).toBe(false);
	expect(detailOnly({ detail: [{ loc: ['body'], msg: 'Field required', type: 'missing' }] })).toBe(
		false,
	);
});
