/**
 * The canonical form the reference platform signs: Python's
 * `json.dumps(payload, sort_keys=True, separators=(",", ":"))` of the payload it sent, written
 * from the body as JSON.parse reads it with its number spellings kept (markedJson), in chunks, to
 * feed a MAC without holding the whole form. (A reviver's `context.source`, Node 22+, gives the
 * same spellings, but V8 keeps a source snapshot of every value for a reviver: on forged 16 MiB
 * bodies that took about three times the memory and 4 to 30 times the time of a bare parse.)
 */

import { isToken, markedStringStart, parseMarked } from './markedJson';
import {
	AsciiWriter,
	collect,
	pythonFloatRepr,
	pythonNumber,
	sortedKeys,
	type ChunkWriter,
} from './pythonJson';

export type { ChunkWriter } from './pythonJson';

/** Python's default recursion limit stops `json.dumps` (and `json.loads`) at 995 levels. */
export const MAX_NESTING_DEPTH = 1000;

export type CanonicalOutcome = 'written' | 'not JSON' | 'too deep';

type Frame =
	| { array: unknown[]; index: number }
	| { object: Record<string, unknown>; keys: string[]; index: number };

const [OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT, COMMA, COLON] = Array.from(
	'[]{},:',
	(byte) => byte.charCodeAt(0),
);

/** Writes the marked tree in Python's canonical form; iterative, so depth costs no stack. */
function writeTree(root: unknown, write: ChunkWriter): CanonicalOutcome {
	const out = new AsciiWriter(write);
	const stack: Frame[] = [];
	let value = root;
	for (;;) {
		if (typeof value === 'string') {
			if (isToken(value)) out.ascii(pythonNumber(value.slice(1)));
			else out.string(value, markedStringStart(value));
		} else if (typeof value === 'number') {
			// only integers of up to 15 digits and short decimals stay numbers (see spellingMatters)
			out.ascii(Number.isInteger(value) ? String(value) : pythonFloatRepr(value));
		} else if (value === null || typeof value === 'boolean') {
			out.ascii(String(value));
		} else if (stack.length >= MAX_NESTING_DEPTH) {
			return 'too deep';
		} else if (Array.isArray(value)) {
			out.byte(OPEN_ARRAY);
			stack.push({ array: value, index: 0 });
		} else {
			const object = value as Record<string, unknown>;
			out.byte(OPEN_OBJECT);
			stack.push({ object, keys: sortedKeys(object), index: 0 });
		}

		// the next value, closing what is done
		for (;;) {
			const frame = stack[stack.length - 1];
			if (frame === undefined) {
				out.flush();
				return 'written';
			}
			if ('array' in frame) {
				if (frame.index < frame.array.length) {
					if (frame.index > 0) out.byte(COMMA);
					value = frame.array[frame.index++];
					break;
				}
				out.byte(CLOSE_ARRAY);
			} else {
				if (frame.index < frame.keys.length) {
					const key = frame.keys[frame.index++];
					// a number where a key belongs: `{1.0: 2}` only parsed because it was marked
					if (isToken(key)) return 'not JSON';
					if (frame.index > 1) out.byte(COMMA);
					out.string(key, markedStringStart(key));
					out.byte(COLON);
					value = frame.object[key];
					break;
				}
				out.byte(CLOSE_OBJECT);
			}
			stack.pop();
		}
	}
}

/**
 * Writes the canonical form of a JSON body (its bytes, or its text) to `write`, in chunks. 'not
 * JSON' when the body is not UTF-8 strict JSON; 'too deep' when it nests deeper than
 * `MAX_NESTING_DEPTH`, which stops early.
 */
export function writeCanonicalJson(
	body: Uint8Array | string,
	write: ChunkWriter,
): CanonicalOutcome {
	const tree = parseMarked(body);
	return tree === undefined ? 'not JSON' : writeTree(tree, write);
}

/** The canonical form of a JSON body, or undefined when it has none (not JSON, or too deep). */
export function canonicalJson(body: Uint8Array | string): string | undefined {
	const canonical = collect();
	return writeCanonicalJson(body, canonical.write) === 'written' ? canonical.text() : undefined;
}
