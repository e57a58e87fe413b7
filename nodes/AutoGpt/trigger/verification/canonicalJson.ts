/**
 * The canonical form the reference platform signs: Python's
 * `json.dumps(payload, sort_keys=True, separators=(",", ":"))` of the payload it sent.
 *
 * It cannot be computed from `JSON.parse` output: Python keeps `1.0` a float and prints it as
 * `1.0`, keeps integers exact at any size, and sorts keys by code point, while JavaScript has one
 * number type and sorts strings by UTF-16 unit. So the body is parsed here into a tree that keeps
 * every number's token, and serialized the way Python would.
 */

export class JsonSyntaxError extends Error {
	constructor(
		message: string,
		readonly position: number,
	) {
		super(`${message} at position ${position}`);
		this.name = 'JsonSyntaxError';
	}
}

/** A number as written in the body: Python reads a token with `.`, `e` or `E` as a float. */
export interface JsonNumber {
	readonly kind: 'number';
	readonly token: string;
	readonly isFloat: boolean;
}

export interface JsonObject {
	readonly kind: 'object';
	/** Later duplicates replace earlier ones, as in Python and `JSON.parse`. */
	readonly members: Map<string, JsonValue>;
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** Deeper nesting than Python's default recursion limit allows is not a real delivery. */
const MAX_DEPTH = 500;

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SIMPLE_ESCAPES = new Map([
	['"', '"'],
	['\\', '\\'],
	['/', '/'],
	['b', '\b'],
	['f', '\f'],
	['n', '\n'],
	['r', '\r'],
	['t', '\t'],
]);

/** Parses strict JSON (RFC 8259: no NaN, no comments, no trailing commas). */
export function parseJson(text: string): JsonValue {
	let position = 0;

	const fail = (message: string): never => {
		throw new JsonSyntaxError(message, position);
	};

	const skipWhitespace = () => {
		while (position < text.length && WHITESPACE.has(text[position])) position++;
	};

	const expectLiteral = <T>(literal: string, value: T): T => {
		if (text.startsWith(literal, position)) {
			position += literal.length;
			return value;
		}
		return fail('Unexpected token');
	};

	const parseString = (): string => {
		position++; // opening quote
		let result = '';
		let chunkStart = position;
		while (true) {
			if (position >= text.length) fail('Unterminated string');
			const char = text[position];
			if (char === '"') {
				result += text.slice(chunkStart, position);
				position++;
				return result;
			}
			if (char < ' ') fail('Control character in string');
			if (char !== '\\') {
				position++;
				continue;
			}
			result += text.slice(chunkStart, position);
			const escape = text[position + 1];
			if (escape === 'u') {
				const hex = text.slice(position + 2, position + 6);
				if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Bad \\u escape');
				result += String.fromCharCode(parseInt(hex, 16));
				position += 6;
			} else {
				const unescaped = SIMPLE_ESCAPES.get(escape);
				if (unescaped === undefined) fail('Bad escape');
				result += unescaped;
				position += 2;
			}
			chunkStart = position;
		}
	};

	const parseNumber = (): JsonNumber => {
		NUMBER_PATTERN.lastIndex = position;
		const match = NUMBER_PATTERN.exec(text);
		if (!match) return fail('Unexpected token');
		const token = match[0];
		position += token.length;
		return { kind: 'number', token, isFloat: /[.eE]/.test(token) };
	};

	const parseValue = (depth: number): JsonValue => {
		if (depth > MAX_DEPTH) fail('Nesting too deep');
		skipWhitespace();
		const char = text[position];
		switch (char) {
			case '{': {
				position++;
				const members = new Map<string, JsonValue>();
				skipWhitespace();
				if (text[position] === '}') {
					position++;
					return { kind: 'object', members };
				}
				while (true) {
					skipWhitespace();
					if (text[position] !== '"') fail('Expected a property name');
					const key = parseString();
					skipWhitespace();
					if (text[position] !== ':') fail("Expected ':'");
					position++;
					members.set(key, parseValue(depth + 1));
					skipWhitespace();
					if (text[position] === ',') {
						position++;
						continue;
					}
					if (text[position] === '}') {
						position++;
						return { kind: 'object', members };
					}
					fail("Expected ',' or '}'");
				}
			}
			case '[': {
				position++;
				const items: JsonValue[] = [];
				skipWhitespace();
				if (text[position] === ']') {
					position++;
					return items;
				}
				while (true) {
					items.push(parseValue(depth + 1));
					skipWhitespace();
					if (text[position] === ',') {
						position++;
						continue;
					}
					if (text[position] === ']') {
						position++;
						return items;
					}
					fail("Expected ',' or ']'");
				}
			}
			case '"':
				return parseString();
			case 't':
				return expectLiteral('true', true);
			case 'f':
				return expectLiteral('false', false);
			case 'n':
				return expectLiteral('null', null);
			case undefined:
				return fail('Unexpected end of input');
			default:
				return parseNumber();
		}
	};

	const value = parseValue(0);
	skipWhitespace();
	if (position !== text.length) fail('Unexpected data after the JSON value');
	return value;
}

function isJsonNumber(value: JsonValue): value is JsonNumber {
	return (
		typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'number'
	);
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

/** Python's `ensure_ascii` string encoding: every unit outside space..`~` escaped, lower-case hex. */
export function pythonJsonString(value: string): string {
	let result = '"';
	for (let index = 0; index < value.length; index++) {
		const unit = value.charCodeAt(index);
		if (unit === 0x22) result += '\\"';
		else if (unit === 0x5c) result += '\\\\';
		else if (unit >= 0x20 && unit <= 0x7e) result += value[index];
		else if (unit === 0x0a) result += '\\n';
		else if (unit === 0x0d) result += '\\r';
		else if (unit === 0x09) result += '\\t';
		else if (unit === 0x08) result += '\\b';
		else if (unit === 0x0c) result += '\\f';
		else result += '\\u' + unit.toString(16).padStart(4, '0');
	}
	return result + '"';
}

/**
 * Python's `repr(float)`: the shortest digits that read back to the same double (JavaScript's
 * `Number#toString` finds the same digits), positional for exponents -5 < e < 16 with at least
 * one fractional digit, otherwise `d.ddde±XX` with a two-digit minimum exponent.
 */
export function pythonFloatRepr(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Infinity) return 'Infinity';
	if (value === -Infinity) return '-Infinity';
	if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';

	const sign = value < 0 ? '-' : '';
	const [mantissa, exponentText] = String(Math.abs(value)).split('e');
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

function pythonNumber(number: JsonNumber): string {
	if (number.isFloat) return pythonFloatRepr(Number(number.token));
	// Python's int is exact at any size; only the sign of zero is lost.
	return /^-0+$/.test(number.token) ? '0' : number.token;
}

/** `json.dumps(value, sort_keys=True, separators=(",", ":"))` of the value Python would have parsed. */
export function canonicalize(value: JsonValue): string {
	if (value === null) return 'null';
	if (value === true) return 'true';
	if (value === false) return 'false';
	if (typeof value === 'string') return pythonJsonString(value);
	if (Array.isArray(value)) return '[' + value.map(canonicalize).join(',') + ']';
	if (isJsonNumber(value)) return pythonNumber(value);
	const keys = [...value.members.keys()].sort(compareCodePoints);
	return (
		'{' +
		keys
			.map((key) => pythonJsonString(key) + ':' + canonicalize(value.members.get(key) as JsonValue))
			.join(',') +
		'}'
	);
}

/** Parses the body text and returns its canonical form (throws `JsonSyntaxError`). */
export function canonicalJson(text: string): string {
	return canonicalize(parseJson(text));
}

/** The parsed tree as plain JavaScript values, for schema checks and node output. */
export function toPlainValue(value: JsonValue): unknown {
	if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
	if (Array.isArray(value)) return value.map(toPlainValue);
	if (isJsonNumber(value)) return Number(value.token);
	const result: Record<string, unknown> = {};
	for (const [key, member] of (value as JsonObject).members) {
		// defineProperty, so that a "__proto__" key stays an ordinary property as with JSON.parse
		Object.defineProperty(result, key, {
			value: toPlainValue(member),
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return result;
}
