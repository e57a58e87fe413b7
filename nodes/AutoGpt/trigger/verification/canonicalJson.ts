/**
 * The canonical form the reference platform signs: Python's
 * `json.dumps(payload, sort_keys=True, separators=(",", ":"))` of the payload it sent.
 *
 * JSON.parse reads the body (strictness, escapes, structure) at native speed; what it loses is the
 * spelling of numbers: Python keeps `1.0` a float, prints floats by `repr`, and keeps integers
 * exact at any size. So before parsing, a scan over the text turns the number tokens whose
 * spelling JSON.parse would lose into strings `"#<token>"` (and prefixes a `#` to every string that
 * starts with one, so the two cannot be confused); the writer then prints keys sorted by code
 * point, compact separators, and `\uXXXX` escapes, as Python does. A reviver's `context.source`
 * (Node 22+) would give the same spellings, but V8 keeps a source snapshot of every value for a
 * reviver: on a forged 16 MiB body that tripled the memory and took 4 to 30 times a bare parse.
 */

/** Python's default recursion limit stops `json.dumps` (and `json.loads`) at 995 levels. */
export const MAX_NESTING_DEPTH = 1000;

export type CanonicalOutcome = 'written' | 'not JSON' | 'too deep';

const QUOTE = 0x22;
const HASH = 0x23;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const UPPER_E = 0x45;
const BACKSLASH = 0x5c;
const LOWER_E = 0x65;

const NUMBER_TOKEN = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const ESCAPED_HASH = '\\u0023';

/** Index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
	let end = text.indexOf('"', open + 1);
	while (end !== -1) {
		let backslashes = 0;
		while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
		if (backslashes % 2 === 0) return end;
		end = text.indexOf('"', end + 1);
	}
	return -1;
}

/**
 * Whether JSON.parse would lose what Python reads in this token: any exponent; a fraction of zeros
 * (`1.0` is a float with an integer value); more than 15 significant digits (the double may be an
 * integer, or the integer may not fit in a double). A shorter decimal with a non-zero fraction is
 * never an integer as a double, and `repr` of its double is what Python prints.
 */
function spellingMatters(text: string, start: number, end: number, dot: number, exponent: boolean) {
	const digits = end - start - (text.charCodeAt(start) === MINUS ? 1 : 0) - (dot < 0 ? 0 : 1);
	if (exponent || digits > 15) return true;
	if (dot < 0) return false;
	for (let index = dot + 1; index < end; index++) {
		if (text.charCodeAt(index) !== ZERO) return false;
	}
	return true;
}

/** The text with number tokens and `#` strings marked (see above), or undefined when a token is bad. */
function markNumbers(text: string): string | undefined {
	const parts: string[] = [];
	let copied = 0;
	const length = text.length;
	let index = 0;
	while (index < length) {
		const char = text.charCodeAt(index);
		if (char === QUOTE) {
			const end = closingQuote(text, index);
			if (end < 0) return undefined;
			const first = text.charCodeAt(index + 1);
			if (first === HASH || (first === BACKSLASH && text.startsWith(ESCAPED_HASH, index + 1))) {
				parts.push(text.slice(copied, index + 1), '#');
				copied = index + 1;
			}
			index = end + 1;
		} else if (char === MINUS || (char >= ZERO && char <= NINE)) {
			const start = index;
			let dot = -1;
			let exponent = false;
			for (index++; index < length; index++) {
				const next = text.charCodeAt(index);
				if (next === DOT) dot = index;
				else if (next === LOWER_E || next === UPPER_E) exponent = true;
				else if (!((next >= ZERO && next <= NINE) || next === PLUS || next === MINUS)) break;
			}
			if (spellingMatters(text, start, index, dot, exponent)) {
				const token = text.slice(start, index);
				if (!NUMBER_TOKEN.test(token)) return undefined;
				parts.push(text.slice(copied, start), '"#', token, '"');
				copied = index;
			}
		} else {
			index++;
		}
	}
	if (copied === 0) return text;
	parts.push(text.slice(copied));
	return parts.join('');
}

/**
 * Python's `repr(float)`: the shortest digits that read back to the same double (JavaScript's
 * `Number#toString` finds the same digits), positional for exponents -5 < e < 16 with at least
 * one fractional digit, otherwise `d.ddde±XX` with a two-digit minimum exponent.
 */
export function pythonFloatRepr(value: number): string {
	const magnitude = Math.abs(value);
	if (magnitude >= 1e-4 && magnitude < 1e16) {
		// JavaScript writes this range positionally too
		const text = String(value);
		return Number.isInteger(value) ? `${text}.0` : text;
	}
	if (Number.isNaN(value)) return 'NaN';
	if (value === Infinity) return 'Infinity';
	if (value === -Infinity) return '-Infinity';
	if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';

	const sign = value < 0 ? '-' : '';
	const [mantissa, exponentText] = String(magnitude).split('e');
	const dot = mantissa.indexOf('.');
	const integerDigits = dot < 0 ? mantissa : mantissa.slice(0, dot);
	let digits = integerDigits + (dot < 0 ? '' : mantissa.slice(dot + 1));
	// the decimal point sits after `pointAt` digits of `digits`
	let pointAt = integerDigits.length + (exponentText ? parseInt(exponentText, 10) : 0);
	const leadingZeros = digits.length - digits.replace(/^0+/, '').length;
	digits = digits.slice(leadingZeros).replace(/0+$/, '');
	pointAt -= leadingZeros;
	const exponent = pointAt - 1;

	if (exponent < -4 || exponent >= 16) {
		const fraction = digits.length > 1 ? '.' + digits.slice(1) : '';
		const exponentSign = exponent < 0 ? '-' : '+';
		return `${sign}${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
	}
	if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
	if (pointAt >= digits.length) return `${sign}${digits}${'0'.repeat(pointAt - digits.length)}.0`;
	return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** How Python prints a number token: floats by `repr`, integers exactly (`-0` is `0`). */
function pythonNumber(token: string): string {
	if (/[.eE]/.test(token)) return pythonFloatRepr(Number(token));
	return token;
}

const NON_ASCII = /[\u007f-\uffff]/;
const HEX_DIGITS = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
/** Room for one block of escaped output: 4096 units of 6 bytes each. */
const escaped = new Uint8Array(4096 * 6);

/** A canonical chunk goes out as a string, or as ASCII bytes to be used before the next write. */
export type ChunkWriter = (chunk: string | Uint8Array) => void;

/**
 * Writes `text` with Python's `ensure_ascii`: every UTF-16 unit above `~` as `\uXXXX`, lower-case
 * hex. JSON.stringify has already escaped quotes, backslashes, control characters and lone
 * surrogates as Python does. Text with non-ASCII units goes out as bytes, a block at a time.
 */
function writeAscii(text: string, write: ChunkWriter): void {
	if (!NON_ASCII.test(text)) {
		write(text);
		return;
	}
	let length = 0;
	for (let index = 0; index < text.length; index++) {
		if (length > escaped.length - 6) {
			write(escaped.subarray(0, length));
			length = 0;
		}
		const unit = text.charCodeAt(index);
		if (unit < 0x7f) {
			escaped[length++] = unit;
		} else {
			escaped[length++] = 0x5c; // \
			escaped[length++] = 0x75; // u
			escaped[length++] = HEX_DIGITS[unit >> 12];
			escaped[length++] = HEX_DIGITS[(unit >> 8) & 15];
			escaped[length++] = HEX_DIGITS[(unit >> 4) & 15];
			escaped[length++] = HEX_DIGITS[unit & 15];
		}
	}
	write(escaped.subarray(0, length));
}

const ascii = new TextDecoder('ascii');

/** Joins written chunks into the text they spell. */
function collect(): { write: ChunkWriter; text: () => string } {
	const parts: string[] = [];
	return {
		write: (chunk) => parts.push(typeof chunk === 'string' ? chunk : ascii.decode(chunk)),
		text: () => parts.join(''),
	};
}

/** Python's `ensure_ascii` string encoding. */
export function pythonJsonString(value: string): string {
	const escapedString = collect();
	writeAscii(JSON.stringify(value), escapedString.write);
	return escapedString.text();
}

/** Python compares strings by code point; JavaScript's `<` compares UTF-16 units. */
export function compareCodePoints(left: string, right: string): number {
	let i = 0;
	let j = 0;
	while (i < left.length && j < right.length) {
		const a = left.codePointAt(i) as number;
		const b = right.codePointAt(j) as number;
		if (a !== b) return a < b ? -1 : 1;
		i += a > 0xffff ? 2 : 1;
		j += b > 0xffff ? 2 : 1;
	}
	const leftDone = i >= left.length;
	const rightDone = j >= right.length;
	if (leftDone && rightDone) return 0;
	return leftDone ? -1 : 1;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Keys in Python's order; code units and code points only disagree around surrogates. */
function sortedKeys(object: object): string[] {
	const keys = Object.keys(object).sort();
	return keys.some((key) => SURROGATE.test(key)) ? keys.sort(compareCodePoints) : keys;
}

/** Whether a parsed string is a marked number token rather than a string of the body. */
function isToken(value: string): boolean {
	return value.charCodeAt(0) === HASH && value.charCodeAt(1) !== HASH;
}

/** A string of the body, without the `#` marking added to those that start with one. */
function bodyString(value: string): string {
	return value.charCodeAt(0) === HASH ? value.slice(1) : value;
}

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
 * Writes the canonical form of a JSON text to `write`, in chunks (to feed a MAC without holding
 * the whole form). 'not JSON' when the text is not strict JSON (RFC 8259: no NaN, no comments, no
 * trailing commas); 'too deep' when it nests deeper than `MAX_NESTING_DEPTH`, which stops early.
 */
export function writeCanonicalJson(text: string, write: ChunkWriter): CanonicalOutcome {
	const marked = markNumbers(text);
	if (marked === undefined) return 'not JSON';
	let tree: unknown;
	try {
		tree = JSON.parse(marked);
	} catch {
		return 'not JSON';
	}
	return writeTree(tree, write);
}

/** The canonical form of a JSON text, or undefined when it has none (not JSON, or too deep). */
export function canonicalJson(text: string): string | undefined {
	const canonical = collect();
	return writeCanonicalJson(text, canonical.write) === 'written' ? canonical.text() : undefined;
}
