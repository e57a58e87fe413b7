// The node as n8n runs it for an AI Agent (the derived `autoGptTool` type), through n8n-core's
// real WorkflowExecute: the model's arguments arrive as the input item and reach the parameters
// through the `$fromAI()` defaults; what goes back is bounded; a long run is an answer, not an error.
// The schema and description the model receives are built the way n8n builds them.
import nock from 'nock';
import {
	NodeHelpers,
	traverseNodeParameters,
	type FromAIArgument,
	type IExecuteFunctions,
	type INode,
	type INodeType,
} from 'n8n-workflow';

import { AutoGpt } from '../../../nodes/AutoGpt/AutoGpt.node';
import {
	AGENT_ID_GUIDE,
	defaultTimeoutSeconds,
	EXECUTION_ID_GUIDE,
	INPUTS_GUIDE,
	TOOL_MAX_RESULT_CHARACTERS,
} from '../../../nodes/AutoGpt/actions/toolUse';
import {
	apiKeyCredentials,
	AutoGptTool,
	runAutoGpt,
	TestCredentialsHelper,
} from '../../helpers/workflow';

const PLATFORM = 'https://platform.test';
const API = `${PLATFORM}/api/external/v1`;
const AGENT = '5f3c9a1e-8b2d-4c6f-a1e0-7d9b3c2f4e10';
const credentials = () =>
	new TestCredentialsHelper({ autoGptApi: apiKeyCredentials('agpt_tool_key', PLATFORM) });
const asTool = { resource: 'agent', operation: 'execute' };

beforeEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());

/** The tool type n8n derives (name + "Tool"), and a node of it with the parameters n8n fills in. */
function toolNode(parameters: Record<string, unknown>): { node: INode; nodeType: INodeType } {
	const nodeType = new AutoGptTool();
	const node: INode = {
		id: 'tool',
		name: 'Run AutoGPT agent',
		type: 'n8n-nodes-autogpt.autoGptTool',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	node.parameters =
		NodeHelpers.getNodeParameters(
			nodeType.description.properties,
			{ authentication: 'apiKey', ...parameters } as never,
			true,
			false,
			node,
			nodeType.description,
		) ?? {};
	return { node, nodeType };
}

function fromAiArguments(node: INode): FromAIArgument[] {
	const collected: FromAIArgument[] = [];
	traverseNodeParameters(node.parameters, collected);
	return collected;
}

describe('what the model receives', () => {
	test('Agent → Execute: agent_id (string) and inputs (JSON), each described; a description of the tool', () => {
		const { node, nodeType } = toolNode(asTool);
		expect(fromAiArguments(node)).toEqual([
			{ key: 'agent_id', description: AGENT_ID_GUIDE, type: 'string', defaultValue: undefined },
			{ key: 'inputs', description: INPUTS_GUIDE, type: 'json', defaultValue: undefined },
		]);
		const description = NodeHelpers.getToolDescriptionForNode(node, nodeType);
		expect(description).toMatch(/^Runs an AutoGPT agent, waits for it to finish and returns/);
		for (const guidance of [/agent_id/, /UUID/, /inputs \(a JSON object/, /still_running/])
			expect(description).toMatch(guidance);
	});

	test.each(['get', 'wait', 'cancel'])(
		'Execution → %s: execution_id, described; its own tool description',
		(operation) => {
			const { node, nodeType } = toolNode({ resource: 'execution', operation });
			expect(fromAiArguments(node)).toEqual([
				{
					key: 'execution_id',
					description: EXECUTION_ID_GUIDE,
					type: 'string',
					defaultValue: undefined,
				},
			]);
			expect(NodeHelpers.getToolDescriptionForNode(node, nodeType)).toMatch(/execution_id/);
		},
	);

	test('inputs given as fields, each from $fromAI, become one typed field per input', async () => {
		const inputFields = {
			input: [
				{ name: 'topic', value: "={{ $fromAI('topic', 'What the report is about', 'string') }}" },
				{ name: 'max_words', value: "={{ $fromAI('max_words', 'Longest report', 'number') }}" },
			],
		};
		const agent = { __rl: true, mode: 'id', value: AGENT };
		const { node } = toolNode({ ...asTool, agent, inputSource: 'fields', inputFields });
		expect(fromAiArguments(node)).toEqual([
			{
				key: 'topic',
				description: 'What the report is about',
				type: 'string',
				defaultValue: undefined,
			},
			{ key: 'max_words', description: 'Longest report', type: 'number', defaultValue: undefined },
		]);
		nock(API)
			.post(`/executions/agents/${AGENT}/execute`, { inputs: { topic: 'n8n', max_words: 50 } })
			.reply(200, { execution_id: 'ex-f', status: 'queued' });
		const result = await runAutoGpt({
			asTool: true,
			credentials: credentials(),
			parameters: {
				...asTool,
				agent,
				inputSource: 'fields',
				inputFields,
				waitForCompletion: false,
			},
			inputItems: [{ topic: 'n8n', max_words: 50 }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ execution_id: 'ex-f' });
	});

	test('the normal node has none of it: no $fromAI, no tool description, no result bound', () => {
		const nodeType = new AutoGpt();
		const parameters =
			NodeHelpers.getNodeParameters(
				nodeType.description.properties,
				{ ...asTool },
				true,
				false,
				{ typeVersion: 1 },
				nodeType.description,
			) ?? {};
		expect(JSON.stringify(parameters)).not.toContain('$fromAI');
		expect(parameters).not.toHaveProperty('toolDescription');
		expect(parameters).not.toHaveProperty('maxResultCharacters');
		expect(parameters).toMatchObject({ inputSource: 'fields' });
	});

	test('a conversation-friendly default timeout in tool use only', () => {
		const context = (type: string) => ({ getNode: () => ({ type }) }) as IExecuteFunctions;
		expect(defaultTimeoutSeconds(context('n8n-nodes-autogpt.autoGptTool'))).toBe(60);
		expect(defaultTimeoutSeconds(context('n8n-nodes-autogpt.autoGpt'))).toBe(600);
	});
});

describe('a tool call', () => {
	test("runs the agent the model named with the model's inputs, and returns its outputs", async () => {
		const scope = nock(API)
			.post(`/executions/agents/${AGENT}/execute`, { inputs: { topic: 'n8n', max_words: 50 } })
			.reply(200, { execution_id: 'ex-1', status: 'queued' })
			.get('/executions/ex-1')
			.reply(200, { execution_id: 'ex-1', status: 'COMPLETED', outputs: { summary: ['short'] } });
		const result = await runAutoGpt({
			asTool: true,
			credentials: credentials(),
			parameters: { ...asTool, options: { pollInterval: 0.25 } },
			inputItems: [{ agent_id: AGENT, inputs: { topic: 'n8n', max_words: 50 } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([
			{
				execution_id: 'ex-1',
				status: 'completed',
				agent_id: AGENT,
				outputs: { summary: 'short' },
			},
		]);
		expect(scope.isDone()).toBe(true);
	});

	test('takes inputs the model sent as JSON text too', async () => {
		nock(API)
			.post(`/executions/agents/${AGENT}/execute`, { inputs: { topic: 'n8n' } })
			.reply(200, { execution_id: 'ex-2', status: 'queued' });
		const result = await runAutoGpt({
			asTool: true,
			credentials: credentials(),
			parameters: { ...asTool, waitForCompletion: false },
			inputItems: [{ agent_id: AGENT, inputs: '{"topic": "n8n"}' }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ execution_id: 'ex-2' });
	});

	test.each([
		[
			'a malformed agent ID',
			{ agent_id: 'not an id!', inputs: { a: 1 } },
			/^"not an id!" is not an agent ID: .*usually a UUID such as .*Enter the agent's ID/,
		],
		[
			'inputs that are a list',
			{ agent_id: AGENT, inputs: [1, 2] },
			/^Inputs \(JSON\) must be a JSON object, not a list: write an object that maps each input name/,
		],
	])('%s fails with a message that says what to change', async (_case, args, message) => {
		const result = await runAutoGpt({
			asTool: true,
			credentials: credentials(),
			parameters: asTool,
			inputItems: [args],
		});
		expect(result.error?.message).toMatch(message);
	});

	test('an agent still running at the timeout is an answer with its execution ID, not an error', async () => {
		nock(API)
			.post(`/executions/agents/${AGENT}/execute`)
			.reply(200, { execution_id: 'ex-slow', status: 'queued' })
			.get('/executions/ex-slow')
			.times(20)
			.reply(200, { execution_id: 'ex-slow', status: 'RUNNING' });
		const result = await runAutoGpt({
			asTool: true,
			credentials: credentials(),
			parameters: { ...asTool, options: { timeout: 1, pollInterval: 0.25 } },
			inputItems: [{ agent_id: AGENT, inputs: { a: 1 } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			execution_id: 'ex-slow',
			agent_id: AGENT,
			status: 'running',
			still_running: true,
			message:
				'Still running after 1 seconds (status: running); the agent goes on in AutoGPT. Ask again with Execution → Wait (or Execution → Get) and execution_id "ex-slow" to get its outputs.',
		});
	});

	test('a large result is cut to Max Result Characters and says so; the normal node returns it whole', async () => {
		const big = 'x'.repeat(120_000);
		const reply = () =>
			nock(API)
				.post(`/executions/agents/${AGENT}/execute`)
				.reply(200, { execution_id: 'ex-big', status: 'queued' })
				.get('/executions/ex-big')
				.reply(200, { execution_id: 'ex-big', status: 'COMPLETED', outputs: { text: [big] } });

		reply();
		const tool = await runAutoGpt({
			asTool: true,
			credentials: credentials(),
			parameters: { ...asTool, options: { pollInterval: 0.25 } },
			inputItems: [{ agent_id: AGENT, inputs: { a: 1 } }],
		});
		const returned = tool.items.map((item) => item.json);
		expect(JSON.stringify(returned).length).toBeLessThanOrEqual(TOOL_MAX_RESULT_CHARACTERS);
		expect(returned).toEqual([
			{
				execution_id: 'ex-big',
				agent_id: AGENT,
				status: 'completed',
				truncated: true,
				message: expect.stringMatching(
					/^The outputs are 120011 characters of JSON, more than the 20000 this tool hands back; outputs_preview holds the first \d+\. The complete outputs stay in AutoGPT: get them with Execution → Get and execution_id "ex-big"/,
				),
				outputs_preview: expect.stringMatching(/^\{"text":"xxxx/),
			},
		]);
		expect(tool.items[0].pairedItem).toEqual({ item: 0 });

		reply();
		const smaller = await runAutoGpt({
			asTool: true,
			credentials: credentials(),
			parameters: { ...asTool, maxResultCharacters: 2000, options: { pollInterval: 0.25 } },
			inputItems: [{ agent_id: AGENT, inputs: { a: 1 } }],
		});
		expect(JSON.stringify(smaller.items.map((item) => item.json)).length).toBeLessThanOrEqual(2000);

		reply();
		const node = await runAutoGpt({
			credentials: credentials(),
			parameters: {
				...asTool,
				agent: { __rl: true, mode: 'id', value: AGENT },
				options: { pollInterval: 0.25 },
			},
		});
		expect(node.items[0].json).toMatchObject({ outputs: { text: big } });
	});
});
