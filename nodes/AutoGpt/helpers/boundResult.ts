// What a tool hands back to a model has to fit in the model's request: n8n sends the node's output
// items as one JSON text (`JSON.stringify([item.json, …])`). This cuts that text to a budget and
// says in the result that it was cut and how to get the rest.
import type { IDataObject } from 'n8n-workflow';

/** Fields that name an execution; kept whole when its outputs are cut. */
const IDENTITY_FIELDS = ['execution_id', 'agent_id', 'status', 'error'];
/** Longest identity value kept (an error text can be long too). */
const IDENTITY_MAX = 500;

function shorten(value: unknown): unknown {
	return typeof value === 'string' && value.length > IDENTITY_MAX
		? `${value.slice(0, IDENTITY_MAX)}…`
		: value;
}

function size(items: IDataObject[]): number {
	return JSON.stringify(items).length;
}

/**
 * The longest start of `text` that keeps `frame` with it in at most `max` characters of JSON.
 * A binary search: JSON escapes (quotes, newlines) make a preview longer than its slice.
 */
function fitPreview(
	frame: (preview: string) => IDataObject,
	text: string,
	max: number,
): IDataObject {
	let fits = 0;
	// Stryker disable next-line MethodExpression: a higher first bound finds the same start, a step later
	let tooLong = Math.min(text.length, max) + 1;
	while (tooLong - fits > 1) {
		const middle = Math.floor((fits + tooLong) / 2);
		if (size([frame(text.slice(0, middle))]) <= max) fits = middle;
		else tooLong = middle;
	}
	return frame(text.slice(0, fits));
}

/**
 * Returns `items` unchanged when their JSON fits in `maxCharacters`. Otherwise one item: an
 * execution's identity (execution_id, agent_id, status, error) kept, its outputs (or, for any
 * other result, the whole result) as a JSON text cut to fit, and a message saying how much was
 * left out and how to get everything.
 */
export function boundResult(items: IDataObject[], maxCharacters: number): IDataObject[] {
	const total = size(items);
	if (total <= maxCharacters) return items;

	const first = items.length === 1 ? items[0] : undefined;
	const isExecution = first !== undefined && typeof first.execution_id === 'string';
	const identity: IDataObject = {};
	if (isExecution) {
		for (const field of IDENTITY_FIELDS) {
			if (first[field] !== undefined && first[field] !== null) {
				identity[field] = shorten(first[field]) as IDataObject;
			}
		}
	}
	const cutPart = isExecution && first.outputs !== undefined ? first.outputs : items;
	const cutText = JSON.stringify(cutPart);
	const what = isExecution && first.outputs !== undefined ? 'outputs' : 'result';
	const previewField = `${what}_preview`;
	const howToGetAll = isExecution
		? `The complete ${what} stay in AutoGPT: get them with Execution → Get and execution_id "${String(first.execution_id)}" in a workflow, or raise Max Result Characters of this tool.`
		: 'Ask for less (e.g. one ID instead of a list), or raise Max Result Characters of this tool.';

	return [
		fitPreview(
			(preview) => ({
				...identity,
				truncated: true,
				message: `The ${what} ${what === 'outputs' ? 'are' : 'is'} ${cutText.length} characters of JSON, more than the ${maxCharacters} this tool hands back; ${previewField} holds the first ${preview.length}. ${howToGetAll}`,
				[previewField]: preview,
			}),
			cutText,
			maxCharacters,
		),
	];
}
