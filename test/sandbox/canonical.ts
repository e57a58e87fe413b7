// Python's json.dumps, written again in TypeScript, because the platform signs what Python writes.
//
// The reference platform puts `json.dumps(payload)` on the wire (insertion order, ", " and ": ",
// non-ASCII escaped) and signs `json.dumps(payload, sort_keys=True, separators=(",", ":"))`.
// A receiver has to rebuild the second from the first, so the sandbox must write both exactly.
import { createHmac } from 'node:crypto';

/** A float that Python would print as a float even when it holds an integer (`1.0`, not `1`). */
export class PyFloat {
	constructor(readonly value: number) {}

	toJSON(): number {
		return this.value;
	}
}

export interface PythonDumpsOptions {
	/** `sort_keys=True`: keys ordered by code point at every level. */
	sortKeys?: boolean;
	/** `separators=(",", ":")` instead of the default `(", ", ": ")`. */
	compact?: boolean;
	/** `ensure_ascii` (default true). FastAPI answers are written with it off. */
	ensureAscii?: boolean;
}

/** `json.dumps(value, sort_keys=…, separators=…)` with Python's defaults (ensure_ascii, allow_nan). */
export function pythonJsonDumps(value: unknown, options: PythonDumpsOptions = {}): string {
	const itemSeparator = options.compact ? ',' : ', ';
	const keySeparator = options.compact ? ':' : ': ';
	const sortKeys = options.sortKeys ?? false;
	const quote = options.ensureAscii === false ? pythonUnicodeString : pythonString;

	const write = (node: unknown): string => {
		if (node === null || node === undefined) return 'null';
		if (node instanceof PyFloat) return pythonFloatRepr(node.value);
		switch (typeof node) {
			case 'boolean':
				return node ? 'true' : 'false';
			case 'number':
				return pythonNumber(node);
			case 'bigint':
				return node.toString();
			case 'string':
				return quote(node);
			case 'object':
				break;
			default:
				throw new TypeError(`Object of type ${typeof node} is not JSON serializable`);
		}
		if (Array.isArray(node)) {
			return `[${node.map(write).join(itemSeparator)}]`;
		}
		const record = node as Record<string, unknown>;
		if (typeof (record as { toJSON?: unknown }).toJSON === 'function' && !(node instanceof Map)) {
			return write((record as { toJSON: () => unknown }).toJSON());
		}
		let keys = orderedKeys(record).filter((key) => record[key] !== undefined);
		if (sortKeys) keys = keys.sort(compareCodePoints);
		const members = keys.map((key) => `${quote(key)}${keySeparator}${write(record[key])}`);
		return `{${members.join(itemSeparator)}}`;
	};

	return write(value);
}

/** The bytes the reference platform signs. */
export function canonicalJson(value: unknown): string {
	return pythonJsonDumps(value, { sortKeys: true, compact: true });
}

/** The body the reference platform puts on the wire: Python's default `json.dumps`. */
export function wireJson(value: unknown): string {
	return pythonJsonDumps(value);
}

/** `sha256=<lower-case hex>` over the given bytes. */
export function signatureHeader(secret: string, signed: string | Buffer): string {
	return `sha256=${createHmac('sha256', secret).update(signed).digest('hex')}`;
}

/** Python sorts str keys by code point; JavaScript's default sort compares UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
	const left = Array.from(a);
	const right = Array.from(b);
	const length = Math.min(left.length, right.length);
	for (let index = 0; index < length; index++) {
		const difference = left[index].codePointAt(0)! - right[index].codePointAt(0)!;
		if (difference !== 0) return difference;
	}
	return left.length - right.length;
}

const SHORT_ESCAPES: Record<string, string> = {
	'"': '\\"',
	'\\': '\\\\',
	'\n': '\\n',
	'\r': '\\r',
	'\t': '\\t',
	'\b': '\\b',
	'\f': '\\f',
};

const escapeUnit = (char: string): string =>
	SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** ensure_ascii: everything outside space..tilde is escaped; astral characters as surrogate pairs. */
export function pythonString(text: string): string {
	// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
	return `"${text.replace(/[\\"\u0000-\u001f\u007f-\uffff]/g, escapeUnit)}"`;
}

/** ensure_ascii=False: only quotes, backslashes and control characters are escaped. */
export function pythonUnicodeString(text: string): string {
	// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
	return `"${text.replace(/[\\"\u0000-\u001f]/g, escapeUnit)}"`;
}

/**
 * A JavaScript number holds no int/float distinction. A number is written as what `json.loads`
 * would make of `JSON.stringify`'s text for it: integers below 1e21 (written without exponent)
 * become Python ints, everything else a Python float. Use PyFloat to force a float.
 */
function pythonNumber(value: number): string {
	if (Number.isInteger(value) && Math.abs(value) < 1e21) {
		return Object.is(value, -0) ? '0' : String(value);
	}
	return pythonFloatRepr(value);
}

const KEY_ORDER = Symbol('python key order');

/**
 * Python dicts keep insertion order for every key; JavaScript objects put integer-like keys
 * first. Objects read by parsePythonJson remember their order here.
 */
export function orderedKeys(record: object): string[] {
	const order = (record as { [KEY_ORDER]?: string[] })[KEY_ORDER];
	const keys = Object.keys(record);
	if (!order || order.length !== keys.length) return keys;
	return order;
}

/** A new object with the given entries, remembering their order for the Python writer. */
export function orderedRecord<T>(entries: Array<[string, T]>): Record<string, T> {
	const record = Object.fromEntries(entries) as Record<string, T>;
	Object.defineProperty(record, KEY_ORDER, {
		value: entries.map(([key]) => key),
		enumerable: false,
	});
	return record;
}

/** `repr(float)`: shortest round-trip digits, scientific below 1e-4 and from 1e16 on. */
export function pythonFloatRepr(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Infinity) return 'Infinity';
	if (value === -Infinity) return '-Infinity';
	if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';

	const sign = value < 0 ? '-' : '';
	// toExponential() without an argument gives the shortest digits that round-trip.
	const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
	const digits = mantissa.replace('.', '');
	const exponent = Number(exponentText);

	if (exponent >= -4 && exponent < 16) {
		if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
		const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
		const fraction = digits.slice(exponent + 1) || '0';
		return `${sign}${integerPart}.${fraction}`;
	}
	const scientific = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
	const exponentSign = exponent < 0 ? '-' : '+';
	return `${sign}${scientific}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/**
 * `json.loads` keeps `1.0` a float; `JSON.parse` cannot. This reader keeps every number written
 * with a fraction or an exponent as a PyFloat, so an echoed `1.0` goes out as `1.0`, like the platform.
 */
const LITERALS: Array<[string, unknown]> = [
	['true', true],
	['false', false],
	['null', null],
	['NaN', new PyFloat(NaN)],
	['Infinity', new PyFloat(Infinity)],
	['-Infinity', new PyFloat(-Infinity)],
];

export function parsePythonJson(text: string): unknown {
	let position = 0;

	const fail = (message: string): never => {
		throw new SyntaxError(`${message} at position ${position}`);
	};
	const skipWhitespace = () => {
		while (position < text.length && ' \t\n\r'.includes(text[position])) position++;
	};

	const readValue = (): unknown => {
		skipWhitespace();
		const char = text[position];
		if (char === '{') return readObject();
		if (char === '[') return readArray();
		if (char === '"') return readString();
		for (const [word, literal] of LITERALS) {
			if (text.startsWith(word, position)) {
				position += word.length;
				return literal;
			}
		}
		if (char === '-' || (char >= '0' && char <= '9')) return readNumber();
		return fail('Expecting value');
	};

	const readNumber = (): number | bigint | PyFloat => {
		const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(
			text.slice(position, position + 400),
		);
		if (!match) return fail('Expecting value');
		position += match[0].length;
		const number = Number(match[0]);
		if (match[2] || match[3]) return new PyFloat(number);
		// Python ints have no size limit; keep the digits of big ones.
		return Number.isSafeInteger(number) ? number : BigInt(match[0]);
	};

	const readString = (): string => {
		const start = position;
		position++;
		while (position < text.length) {
			const char = text[position];
			if (char === '"') {
				position++;
				return JSON.parse(text.slice(start, position)) as string;
			}
			if (char === '\\') position++;
			else if (char < ' ') fail('Invalid control character');
			position++;
		}
		return fail('Unterminated string');
	};

	const readArray = (): unknown[] => {
		position++;
		const items: unknown[] = [];
		skipWhitespace();
		if (text[position] === ']') {
			position++;
			return items;
		}
		for (;;) {
			items.push(readValue());
			skipWhitespace();
			const delimiter = text[position++];
			if (delimiter === ']') return items;
			if (delimiter !== ',') fail("Expecting ',' delimiter");
		}
	};

	const readObject = (): Record<string, unknown> => {
		position++;
		const entries = new Map<string, unknown>();
		const record = () => orderedRecord([...entries]);
		skipWhitespace();
		if (text[position] === '}') {
			position++;
			return record();
		}
		for (;;) {
			skipWhitespace();
			if (text[position] !== '"') fail('Expecting property name enclosed in double quotes');
			const key = readString();
			skipWhitespace();
			if (text[position] !== ':') fail("Expecting ':' delimiter");
			position++;
			// A repeated key keeps its first place and its last value, as in a Python dict.
			entries.set(key, readValue());
			skipWhitespace();
			const delimiter = text[position++];
			if (delimiter === '}') return record();
			if (delimiter !== ',') fail("Expecting ',' delimiter");
		}
	};

	const value = readValue();
	skipWhitespace();
	if (position !== text.length) fail('Extra data');
	return value;
}
