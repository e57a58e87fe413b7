// The node as a tool of n8n's AI Agent. n8n derives the type `n8n-nodes-autogpt.autoGptTool` from
// this node (`usableAsTool`) and runs the same code; the model sees the tool's name, the
// `toolDescription` parameter, and a schema built from the `$fromAI(key, description, type)` calls
// in the parameters. What differs in tool use lives here: defaults that tell the model what to
// send, a timeout that suits a conversation, and a bound on what goes back to the model.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { boundResult } from '../helpers/boundResult';
import { ExecutionStillRunning } from './stillRunning';
import type { OperationResult } from './types';

/** How long the normal node waits for an execution when Timeout is not set. */
export const NODE_TIMEOUT_SECONDS = 600;
/** How long a tool call waits before it answers "still running" with the execution ID. */
export const TOOL_TIMEOUT_SECONDS = 60;
/** About 5,000 tokens: room for an agent's answer without crowding the model's context. */
export const TOOL_MAX_RESULT_CHARACTERS = 20_000;

/** Whether this run is a tool call of an AI Agent (n8n's derived `…Tool` type). */
export function isToolUse(context: IExecuteFunctions): boolean {
	return context.getNode().type.endsWith('Tool');
}

export function defaultTimeoutSeconds(context: IExecuteFunctions): number {
	return isToolUse(context) ? TOOL_TIMEOUT_SECONDS : NODE_TIMEOUT_SECONDS;
}

// The editor marks the `$fromAI()` values it adds this way and then shows them as "Defined
// automatically by the model", with the description editable.
const FROM_AI_MARKER = '/*n8n-auto-generated-fromAI-override*/';

/**
 * A value the model fills in. `description` becomes the description of `key` in the schema the
 * model receives; it is written between backticks, so it must hold no backtick, `${`, `{{`, `}}`
 * or backslash.
 */
export function fromAi(key: string, description: string, type: 'string' | 'json'): string {
	return `={{ ${FROM_AI_MARKER} $fromAI('${key}', \`${description}\`, '${type}') }}`;
}

export const AGENT_ID_GUIDE =
	'ID of the AutoGPT agent to run: letters, digits, "-" and "_", usually a UUID such as 5f3c9a1e-8b2d-4c6f-a1e0-7d9b3c2f4e10. The builder URL of the agent (ending in ?flowID=<id>) works too.';

export const INPUTS_GUIDE =
	'The inputs of the agent as a JSON object: each key is an input name of the agent, each value what to give that input, e.g. {"topic": "n8n", "max_words": 200}.';

export const EXECUTION_ID_GUIDE =
	'The execution_id of an AutoGPT agent run, as returned when the agent was run (a UUID).';

const IN_TOOL_USE =
	' As a tool, the model fills this in by default; put a fixed value here to decide it yourself.';

/**
 * The parameters of an operation with tool-use defaults: each property named in `defaults` is
 * shown twice, the original when the node runs as a node and a copy with the tool values when it
 * runs as a tool (n8n's `@tool` display condition).
 */
export function withToolDefaults(
	properties: INodeProperties[],
	defaults: Record<string, Partial<INodeProperties>>,
): INodeProperties[] {
	return properties.flatMap((property) => {
		const tool = defaults[property.name];
		if (!tool) return [property];
		return [
			onlyInToolUse(property, false),
			onlyInToolUse(
				{ ...property, ...tool, description: `${property.description ?? ''}${IN_TOOL_USE}`.trim() },
				true,
			),
		];
	});
}

function onlyInToolUse(property: INodeProperties, toolUse: boolean): INodeProperties {
	const show = { ...(property.displayOptions?.show ?? {}), '@tool': [toolUse] };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}

const STILL_RUNNING_NOTE =
	'If the run takes longer than the timeout (60 seconds unless set in the options), the result has still_running and the execution_id: ask again later with the AutoGPT tool for Execution → Wait.';
const EXECUTION_ID_NOTE = 'Give execution_id as returned when the agent was run.';

/** What the model reads about the tool, per operation. */
const TOOL_DESCRIPTIONS: Record<string, Record<string, string>> = {
	agent: {
		execute: `Runs an AutoGPT agent, waits for it to finish and returns its outputs as {execution_id, status, outputs}, where outputs maps each output name of the agent to its value. Give agent_id (the agent's ID, usually a UUID such as 5f3c9a1e-8b2d-4c6f-a1e0-7d9b3c2f4e10) and inputs (a JSON object mapping each input name of the agent to its value). ${STILL_RUNNING_NOTE} An error result says what to change in the call.`,
	},
	execution: {
		get: `Gets the status of an AutoGPT agent run, and its outputs once it has completed, as {execution_id, status, outputs, error}; does not wait. ${EXECUTION_ID_NOTE}`,
		wait: `Waits for an AutoGPT agent run to finish and returns its outputs as {execution_id, status, outputs}. ${EXECUTION_ID_NOTE} If it is still running at the timeout, the result has still_running: ask again later.`,
		cancel: `Stops a queued or running AutoGPT agent run. ${EXECUTION_ID_NOTE}`,
	},
	grant: {
		getAll:
			"Lists the credential grants AutoGPT agents may use (access to the user's accounts at providers such as Google or GitHub): id, provider, scopes, permissions.",
		get: 'Gets one AutoGPT credential grant by its ID: provider, scopes, permissions, expiry.',
		deleteCredential:
			'Deletes the provider credential behind an AutoGPT credential grant, which revokes every grant on it. Cannot be undone.',
	},
	account: {
		getCapabilities:
			'Returns what this AutoGPT connection may do: its client, the scopes it may use and the credential grants it holds.',
		get: 'Returns the AutoGPT account of this API key: id, name, email, timezone.',
	},
	block: {
		getAll:
			'Lists the AutoGPT blocks that can be run on their own: id, name, description and the inputs each expects.',
		execute:
			'Runs one AutoGPT block at once and returns its outputs. Give the block ID (from the block list) and its inputs as a JSON object. Uses credits.',
	},
	store: {
		search:
			'Searches the AutoGPT store for agents: creator, slug (agent name), description, runs and rating of each.',
		get: 'Gets one agent of the AutoGPT store, given as creator/agent-name: its description, graph ID and versions.',
	},
	integrationCredential: {
		getAll:
			"Lists the integration credentials of the user's AutoGPT account (connected providers such as GitHub): id, provider, type, title.",
		delete: 'Deletes one integration credential from AutoGPT, given by its ID. Cannot be undone.',
	},
	connect: {
		createLink:
			'Creates a link the user opens to connect an account at a provider (such as Google) to AutoGPT, so that agents can use it. Returns the URL.',
	},
};

/**
 * The tool's own `toolDescription` parameter, one per operation. Because the node has one, n8n
 * adds no "Set Automatically" description, which would be the bare action name.
 */
export const toolDescriptionProperties: INodeProperties[] = Object.entries(
	TOOL_DESCRIPTIONS,
).flatMap(([resource, operations]) =>
	Object.entries(operations).map(
		([operation, text]): INodeProperties => ({
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			default: text,
			required: true,
			typeOptions: { rows: 4 },
			description:
				'What the model reads about this tool: what it does, what to give it and what it returns',
			displayOptions: { show: { '@tool': [true], resource: [resource], operation: [operation] } },
		}),
	),
);

export const maxResultCharactersProperty: INodeProperties = {
	displayName: 'Max Result Characters',
	name: 'maxResultCharacters',
	type: 'number',
	typeOptions: { minValue: 1000 },
	default: TOOL_MAX_RESULT_CHARACTERS,
	description:
		'Longest result handed back to the model, in characters of JSON. A longer result is cut, and says so and how to get all of it (Execution → Get with its execution ID).',
	displayOptions: { show: { '@tool': [true] } },
};

/** In tool use, a wait that reached its timeout is an answer for the model, not an error. */
export function stillRunningAnswer(error: unknown): OperationResult | undefined {
	return error instanceof ExecutionStillRunning ? error.itemData : undefined;
}

/** In tool use, what goes back to the model fits in Max Result Characters. */
export function boundForModel(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
): INodeExecutionData[] {
	const max = context.getNodeParameter(
		'maxResultCharacters',
		0,
		TOOL_MAX_RESULT_CHARACTERS,
	) as number;
	const json = items.map((item) => item.json);
	const bounded = boundResult(json, max);
	if (bounded === json) return items;
	return bounded.map((entry: IDataObject) => ({ json: entry, pairedItem: items[0]?.pairedItem }));
}
