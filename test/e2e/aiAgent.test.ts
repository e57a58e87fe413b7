// The AutoGPT node as a tool of n8n's own AI Agent, in a real n8n 2.40.7: the README's example
// workflow (Webhook → AI Agent with an OpenAI Chat Model and two AutoGPT tools) with the sandbox as
// the platform and, as the model, a small OpenAI-compatible chat-completions server written here on
// loopback. The model reads the tool schemas n8n sends, calls the tools with arguments named there,
// then answers with what the tools returned. Nothing leaves loopback.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { randomUUID } from 'crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import type { Execution, Workflow, WorkflowNode } from './n8n-api';
import { nodeRuns } from './n8n-api';
import type { SandboxExecution } from './platform';
import { prepareAutoGpt, uniquePath, useStack, type TestStack } from './testkit';
import { loadWorkflowFile, type CredentialRef } from './workflows';

jest.setTimeout(180_000);

// -- the model: an OpenAI-compatible chat-completions server ---------------------------------------

interface ToolSchema {
	type: 'function';
	function: {
		name: string;
		description: string;
		parameters: {
			type: string;
			properties: Record<string, { type?: string; description?: string }>;
			required?: string[];
		};
	};
}

interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string | Array<{ type: string; text?: string }> | null;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: ToolSchema[];
	stream?: boolean;
}

/**
 * What the test asks the model to do, sent as the user's message: the tools to call in turn, each
 * with its arguments by name. `"$execution_id"` stands for the execution_id of the last tool result.
 */
interface Plan {
	id: string;
	calls: Array<{ tool: string; arguments: Record<string, unknown> }>;
}

function text(content: ChatMessage['content']): string {
	if (typeof content === 'string') return content;
	return (content ?? []).map((part) => part.text ?? '').join('');
}

class FakeChatModel {
	readonly requests: ChatRequest[] = [];
	/** The tool calls the model made, by plan id: what it asked n8n to run. */
	readonly toolCalls: Array<{ planId: string; name: string; arguments: unknown }> = [];
	/**
	 * What happens in the world while the model decides on a tool call after a tool result (the
	 * tool's name and its arguments): lets a test move the platform on between two calls.
	 */
	beforeToolCall?: (call: { name: string; arguments: Record<string, unknown> }) => Promise<void>;
	private server?: Server;
	private calls = 0;
	url = '';

	async start(): Promise<void> {
		this.server = createServer((request, response) => {
			void this.handle(request, response);
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		// n8n keeps its connections to the model alive; close them, or close() waits for them.
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	/** The requests of one conversation, found by the plan id in the user's message. */
	conversation(planId: string): ChatRequest[] {
		return this.requests.filter((request) =>
			request.messages.some((m) => m.role === 'user' && text(m.content).includes(planId)),
		);
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
			response.writeHead(404, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ error: { message: `no route ${request.url}` } }));
			return;
		}
		const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
		this.requests.push(body);
		let message: ChatMessage;
		try {
			message = this.reply(body);
			const call = message.tool_calls?.[0]?.function;
			if (call && this.beforeToolCall) {
				await this.beforeToolCall({
					name: call.name,
					arguments: JSON.parse(call.arguments) as Record<string, unknown>,
				});
			}
		} catch (error) {
			response.writeHead(400, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ error: { message: (error as Error).message } }));
			return;
		}
		const finish = message.tool_calls ? 'tool_calls' : 'stop';
		const base = { id: `chatcmpl-${++this.calls}`, created: 1_700_000_000, model: body.model };
		if (body.stream) {
			response.writeHead(200, { 'content-type': 'text/event-stream' });
			const delta = {
				role: 'assistant',
				content: message.content,
				...(message.tool_calls
					? {
							tool_calls: message.tool_calls.map((call, index) => ({
								index,
								id: call.id,
								type: 'function',
								function: call.function,
							})),
						}
					: {}),
			};
			for (const choice of [
				{ index: 0, delta, finish_reason: null },
				{ index: 0, delta: {}, finish_reason: finish },
			]) {
				response.write(
					`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [choice] })}\n\n`,
				);
			}
			response.end('data: [DONE]\n\n');
			return;
		}
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end(
			JSON.stringify({
				...base,
				object: 'chat.completion',
				choices: [
					{
						index: 0,
						message: {
							...message,
							tool_calls: message.tool_calls?.map((call) => ({ ...call, type: 'function' })),
						},
						finish_reason: finish,
					},
				],
				usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
			}),
		);
	}

	/** The next step of the plan: call its tool, or answer with the last tool result. */
	private reply(request: ChatRequest): ChatMessage {
		const user = [...request.messages].reverse().find((m) => m.role === 'user');
		const plan = JSON.parse(text(user?.content ?? '')) as Plan;
		const results = request.messages.filter((m) => m.role === 'tool').map((m) => text(m.content));
		const step = plan.calls[results.length];
		if (!step) {
			return { role: 'assistant', content: `AutoGPT answered: ${results[results.length - 1]}` };
		}
		const tool = request.tools?.find((t) => t.function.name === step.tool);
		if (!tool) {
			throw new Error(
				`no tool ${step.tool} among ${request.tools?.map((t) => t.function.name).join(', ')}`,
			);
		}
		// The arguments are the ones the schema names, each taken from the plan.
		const schema = tool.function.parameters;
		const args: Record<string, unknown> = {};
		for (const name of Object.keys(schema.properties)) {
			let value = step.arguments[name];
			if (value === '$execution_id') {
				const last = JSON.parse(results[results.length - 1]) as Array<{ execution_id: string }>;
				value = last[0].execution_id;
			}
			if (value === undefined && schema.required?.includes(name)) {
				throw new Error(`the plan gives no ${name}, which ${step.tool} requires`);
			}
			if (value !== undefined) args[name] = value;
		}
		const extra = Object.keys(step.arguments).filter((name) => !(name in schema.properties));
		if (extra.length) throw new Error(`${step.tool} has no parameter ${extra.join(', ')}`);
		this.toolCalls.push({ planId: plan.id, name: step.tool, arguments: args });
		return {
			role: 'assistant',
			content: null,
			tool_calls: [
				{
					id: `call_${randomUUID().slice(0, 8)}`,
					function: { name: step.tool, arguments: JSON.stringify(args) },
				},
			],
		};
	}
}

// -- the stack, the credentials and the workflows -------------------------------------------------

const RUN_TOOL = 'Run_AutoGPT_agent';
const WAIT_TOOL = 'Wait_for_AutoGPT_run';
const RUN_NODE = 'Run AutoGPT agent';
const WAIT_NODE = 'Wait for AutoGPT run';

const stackOf = useStack();
const model = new FakeChatModel();
let stack: TestStack;
let oauth: CredentialRef;
let apiKey: CredentialRef;
let openAi: { id: string; name: string };

interface AgentWorkflow {
	id: string;
	path: string;
}
const workflows: Record<'oauth' | 'apiKey' | 'shortTimeout', AgentWorkflow> = {} as never;

/**
 * The README's example with this stack's credentials; `change` adjusts the AutoGPT tool nodes.
 * Each copy gets its own webhook path so that several can be active at once.
 */
async function exampleWorkflow(
	credential: CredentialRef,
	change: (node: WorkflowNode) => void = () => {},
): Promise<AgentWorkflow> {
	const workflow: Workflow = loadWorkflowFile('ai-agent-tool.json', {
		agents: stack.sandbox.agents,
		oauth2Credential: oauth,
	});
	const path = uniquePath('ai-agent');
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.webhook') {
			node.parameters.path = path;
			node.webhookId = randomUUID();
		}
		if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi') {
			node.credentials = { openAiApi: openAi };
		}
		if (node.type === 'n8n-nodes-autogpt.autoGptTool') {
			node.parameters.authentication = credential.type === 'autoGptApi' ? 'apiKey' : 'oAuth2';
			node.credentials = { [credential.type]: { id: credential.id, name: credential.name } };
			change(node);
		}
	}
	workflow.name = `${workflow.name} (${path})`;
	const created = await stack.n8n.createWorkflow(workflow);
	await stack.n8n.activateWorkflow(created.id);
	return { id: created.id, path };
}

interface Conversation {
	/** What the Webhook answered: the AI Agent's final answer. */
	answer: string;
	execution: Execution;
	/** The model's requests in this conversation, in order. */
	requests: ChatRequest[];
	/** The tool calls the model made, with their arguments. */
	toolCalls: Array<{ name: string; arguments: unknown }>;
	/** The tool results the model received, in order (the content of its tool messages). */
	toolResults: string[];
}

async function ask(workflow: AgentWorkflow, calls: Plan['calls']): Promise<Conversation> {
	const plan: Plan = { id: randomUUID(), calls };
	const { status, response, execution } = await stack.n8n.runWebhookWorkflow(
		workflow.id,
		workflow.path,
		{ prompt: JSON.stringify(plan) },
	);
	expect({ status, execution: execution.status }).toEqual({ status: 200, execution: 'success' });
	const requests = model.conversation(plan.id);
	const last = requests[requests.length - 1];
	return {
		answer: String((response as { output?: unknown }).output),
		execution,
		requests,
		toolCalls: model.toolCalls
			.filter((call) => call.planId === plan.id)
			.map(({ name, arguments: args }) => ({ name, arguments: args })),
		toolResults: last.messages.filter((m) => m.role === 'tool').map((m) => text(m.content)),
	};
}

function runAgent(agent: string, inputs: unknown) {
	return { tool: RUN_TOOL, arguments: { agent_id: agent, inputs } };
}

async function newExecutions(before: Set<string>): Promise<SandboxExecution[]> {
	return (await stack.admin.executions()).filter((e) => !before.has(e.execution_id));
}

async function executionIds(): Promise<Set<string>> {
	return new Set((await stack.admin.executions()).map((e) => e.execution_id));
}

beforeAll(async () => {
	stack = stackOf();
	await model.start();
	({ apiKey, oauth } = await prepareAutoGpt(stack));
	openAi = await stack.n8n.createCredential('OpenAI-compatible (loopback)', 'openAiApi', {
		apiKey: 'sk-loopback-test',
		url: model.url,
		header: false,
	});

	workflows.oauth = await exampleWorkflow(oauth);
	workflows.apiKey = await exampleWorkflow(apiKey);
	workflows.shortTimeout = await exampleWorkflow(apiKey, (node) => {
		if (node.name === RUN_NODE) node.parameters.options = { timeout: 2, pollInterval: 0.5 };
	});
}, 120_000);

afterAll(async () => {
	await model.stop();
});

// -- the tests ---------------------------------------------------------------------------------

describe.each([
	['the API key credential', 'apiKey'],
	['the OAuth2 credential', 'oauth'],
] as const)('the AI Agent runs an AutoGPT agent through the tool, with %s', (_name, credential) => {
	test("the sandbox runs the agent once with the model's arguments; the tool result and the answer hold its outputs; n8n's execution data shows the tool call", async () => {
		const inputs = { topic: `n8n tools ${credential}`, max_words: 40 };
		const before = await executionIds();
		const conversation = await ask(workflows[credential], [
			runAgent(stack.sandbox.agents.echo, inputs),
		]);

		const created = await newExecutions(before);
		expect(created).toHaveLength(1);
		expect(created[0]).toMatchObject({ agent_id: stack.sandbox.agents.echo, inputs });
		const executionId = created[0].execution_id;

		// The model called the tool once, with the arguments n8n's schema named.
		expect(conversation.toolCalls).toEqual([
			{ name: RUN_TOOL, arguments: { agent_id: stack.sandbox.agents.echo, inputs } },
		]);

		const expected = {
			execution_id: executionId,
			agent_id: stack.sandbox.agents.echo,
			status: 'completed',
			outputs: inputs,
		};
		expect(conversation.toolResults).toHaveLength(1);
		expect(JSON.parse(conversation.toolResults[0])).toEqual([expected]);
		expect(conversation.answer).toBe(`AutoGPT answered: ${conversation.toolResults[0]}`);

		const [toolRun] = nodeRuns(conversation.execution, RUN_NODE);
		expect(toolRun.error).toBeUndefined();
		expect(
			(toolRun.inputOverride as { ai_tool: Array<Array<{ json: unknown }>> }).ai_tool[0][0].json,
		).toMatchObject({ agent_id: stack.sandbox.agents.echo, inputs });
		expect(
			(toolRun.data as unknown as { ai_tool: Array<Array<{ json: unknown }>> }).ai_tool[0][0].json,
		).toEqual(expected);
		expect(nodeRuns(conversation.execution, 'AI Agent').length).toBeGreaterThan(0);
	});
});

test('what the model receives: a tool description and a schema that say what to send', async () => {
	const conversation = await ask(workflows.apiKey, [
		runAgent(stack.sandbox.agents.echo, { topic: 'schema' }),
	]);
	const tools = conversation.requests[0].tools ?? [];
	expect(tools.map((tool) => tool.function.name).sort()).toEqual([RUN_TOOL, WAIT_TOOL]);
	const run = tools.find((tool) => tool.function.name === RUN_TOOL)!.function;
	expect(run.description).toMatch(/^Runs an AutoGPT agent, waits for it to finish and returns/);
	expect(run.description).toMatch(/outputs maps each output name of the agent to its value/);
	expect(run.description).toMatch(/agent_id \(the agent's ID, usually a UUID/);
	expect(run.description).toMatch(/inputs \(a JSON object mapping each input name/);
	expect(run.description).toMatch(/still_running and the execution_id/);
	expect(run.parameters.required?.sort()).toEqual(['agent_id', 'inputs']);
	expect(run.parameters.properties.agent_id).toEqual({
		type: 'string',
		description: expect.stringMatching(
			/^ID of the AutoGPT agent to run: letters, digits, "-" and "_", usually a UUID/,
		),
	});
	// n8n's `json` type reaches the model without a type (the schema n8n builds for it is lost on
	// the way), so its description carries the shape.
	expect(run.parameters.properties.inputs.description).toMatch(
		/^The inputs of the agent as a JSON object: each key is an input name of the agent/,
	);
	const wait = tools.find((tool) => tool.function.name === WAIT_TOOL)!.function;
	expect(wait.description).toMatch(/^Waits for an AutoGPT agent run to finish/);
	expect(wait.parameters.properties.execution_id).toEqual({
		type: 'string',
		description: expect.stringMatching(/^The execution_id of an AutoGPT agent run/),
	});
});

describe('errors reach the model as a message that says what to change, and the workflow completes', () => {
	async function toolError(agent: string, inputs: unknown): Promise<string> {
		const conversation = await ask(workflows.apiKey, [runAgent(agent, inputs)]);
		const [result] = JSON.parse(conversation.toolResults[0]) as Array<{ error: string }>;
		expect(Object.keys(result)).toEqual(['error']);
		expect(conversation.answer).toContain(JSON.stringify(result.error).slice(1, -1));
		return result.error;
	}

	test('a malformed agent ID', async () => {
		const before = await executionIds();
		expect(await toolError('not an agent!', { topic: 'x' })).toBe(
			`"not an agent!" is not an agent ID: an ID has only letters, digits, "-" and "_", usually a UUID such as 5f3c9a1e-8b2d-4c6f-a1e0-7d9b3c2f4e10. Enter the agent's ID, or paste its builder URL from AutoGPT (…/build?flowID=<id>).`,
		);
		expect(await newExecutions(before)).toEqual([]);
	});

	test('an unknown agent', async () => {
		const unknown = '00000000-0000-4000-8000-000000000000';
		expect(await toolError(unknown, { topic: 'x' })).toBe(
			`Could not start agent ${unknown}: AutoGPT answered 404 Not Found — Agent not found: ${unknown}. AutoGPT knows no agent ${unknown} for this account: check the agent ID (copy it from the agent's builder URL, ?flowID=<id>).`,
		);
	});

	test('a failing agent', async () => {
		expect(
			await toolError(stack.sandbox.agents.failing, { message: 'the topic is empty' }),
		).toMatch(
			new RegExp(
				`^Execution [0-9a-f-]+ of agent ${stack.sandbox.agents.failing} failed: the topic is empty\\. The agent itself ended the run without outputs: check the inputs it was given against what it expects, then run it again`,
			),
		);
	});

	test('a timeout is no error: the model gets the execution ID, asks again with Execution → Wait and gets the outputs', async () => {
		const before = await executionIds();
		// The agent would run for an hour: the tool's 2-second wait ends with it still running
		// however slow the machine. It completes on the platform only once the model, holding the
		// first answer, asks to wait for it.
		model.beforeToolCall = async (call) => {
			if (call.name !== WAIT_TOOL) return;
			await stack.admin.call('POST', `executions/${String(call.arguments.execution_id)}/status`, {
				status: 'completed',
				outputs: { topic: ['patience'] },
			});
		};
		const conversation = await ask(workflows.shortTimeout, [
			runAgent(stack.sandbox.agents.slow, { seconds: 3600, topic: 'patience' }),
			{ tool: WAIT_TOOL, arguments: { execution_id: '$execution_id' } },
		]).finally(() => (model.beforeToolCall = undefined));
		const created = await newExecutions(before);
		expect(created).toHaveLength(1);
		const executionId = created[0].execution_id;

		const [first, second] = conversation.toolResults.map(
			(result) => JSON.parse(result) as Array<Record<string, unknown>>,
		);
		expect(first).toEqual([
			{
				execution_id: executionId,
				agent_id: stack.sandbox.agents.slow,
				status: expect.stringMatching(/^(queued|running)$/),
				still_running: true,
				message: expect.stringMatching(
					new RegExp(
						`^Still running after 2 seconds \\(status: (queued|running)\\); the agent goes on in AutoGPT\\. Ask again with Execution → Wait \\(or Execution → Get\\) and execution_id "${executionId}" to get its outputs\\.$`,
					),
				),
			},
		]);
		expect(second).toEqual([
			{
				execution_id: executionId,
				status: 'completed',
				outputs: { topic: 'patience' },
			},
		]);
		expect(conversation.answer).toContain('"topic":"patience"');
		expect(nodeRuns(conversation.execution, WAIT_NODE)).toHaveLength(1);
	});
});

test("the large agent's result is bounded and says so; how to get all of it", async () => {
	const before = await executionIds();
	const conversation = await ask(workflows.apiKey, [
		runAgent(stack.sandbox.agents.large, { topic: 'everything' }),
	]);
	const [created] = await newExecutions(before);
	const executionId = created.execution_id;
	const result = conversation.toolResults[0];
	expect(result.length).toBeLessThanOrEqual(20_000);
	const [item] = JSON.parse(result) as Array<Record<string, unknown>>;
	expect(item).toEqual({
		execution_id: executionId,
		agent_id: stack.sandbox.agents.large,
		status: 'completed',
		truncated: true,
		message: expect.stringMatching(
			new RegExp(
				`^The outputs are \\d{7} characters of JSON, more than the 20000 this tool hands back; outputs_preview holds the first \\d+\\. The complete outputs stay in AutoGPT: get them with Execution → Get and execution_id "${executionId}" in a workflow, or raise Max Result Characters of this tool\\.$`,
			),
		),
		outputs_preview: expect.any(String),
	});
	process.stderr.write(
		`[e2e] large agent: tool result ${result.length} characters; ${String(item.message).slice(0, 60)}…\n`,
	);
	expect(conversation.answer).toContain('truncated');
});
