/**
 * The canonical form the reference platform signs: Python's
 * `json.dumps(payload, sort_keys=True, separators=(",", ":"))` of the payload it sent, written
 * from the body as JSON.parse reads it with its number spellings kept (markedJson), in chunks, to
 * feed a MAC without holding the whole form. (A reviver's `context.source`, Node 22+, gives the
 * same spellings, but V8 keeps a source snapshot of every value for a reviver: on forged 16 MiB
 * bodies that took about three times the memory and 4 to 30 times the time of a bare parse.)
 */

import { bodyString, isToken, parseMarked } from './markedJson';
import {
	collect,
	pythonFloatRepr,
	pythonNumber,
	sortedKeys,
	writeAscii,
	type ChunkWriter,
} from './pythonJson';

export type { ChunkWriter } from './pythonJson';

/** Python's default recursion limit stops `json.dumps` (and `json.loads`) at 995 levels. */
export const MAX_NESTING_DEPTH = 1000;

export type CanonicalOutcome = 'written' | 'not JSON' | 'too deep';

type Frame =
	| { array: unknown[]; index: number }
	| { object: Record<string, unknown>; keys: string[]; index: number };

const CHUNK_LENGTH = 1 << 16;

/** Writes the marked tree in Python's canonical form; iterative, so depth costs no stack. */
function writeTree(root: unknown, write: ChunkWriter): CanonicalOutcome {
	let pending = '';
	const put = (text: string) => {
		pending += text;
		if (pending.length >= CHUNK_LENGTH) {
			writeAscii(pending, write);
			pending = '';
		}
	};
	const stack: Frame[] = [];
	let value = root;
	for (;;) {
		if (typeof value === 'string') {
			put(isToken(value) ? pythonNumber(value.slice(1)) : JSON.stringify(bodyString(value)));
		} else if (typeof value === 'number') {
			// only integers of up to 15 digits and short decimals stay numbers (see spellingMatters)
			put(Number.isInteger(value) ? String(value) : pythonFloatRepr(value));
		} else if (value === null || typeof value === 'boolean') {
			put(String(value));
		} else if (stack.length >= MAX_NESTING_DEPTH) {
			return 'too deep';
		} else if (Array.isArray(value)) {
			put('[');
			stack.push({ array: value, index: 0 });
		} else {
			const object = value as Record<string, unknown>;
			put('{');
			stack.push({ object, keys: sortedKeys(object), index: 0 });
		}

		// the next value, closing what is done
		for (;;) {
			const frame = stack[stack.length - 1];
			if (frame === undefined) {
				if (pending) writeAscii(pending, write);
				return 'written';
			}
			if ('array' in frame) {
				if (frame.index < frame.array.length) {
					if (frame.index > 0) put(',');
					value = frame.array[frame.index++];
					break;
				}
				put(']');
			} else {
				if (frame.index < frame.keys.length) {
					const key = frame.keys[frame.index++];
					// a number where a key belongs: `{1.0: 2}` only parsed because it was marked
					if (isToken(key)) return 'not JSON';
					put(`${frame.index > 1 ? ',' : ''}${JSON.stringify(bodyString(key))}:`);
					value = frame.object[key];
					break;
				}
				put('}');
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
