// JSON.parse that keeps what Python reads differently: the spelling of numbers. Python keeps `1.0`
// a float, prints floats by `repr`, and keeps integers exact at any size; JSON.parse gives one
// number type. So before parsing, a scan over the body's bytes quotes the number tokens whose
// spelling matters as strings `"#<token>"`, and puts a second `#` in front of every string that
// starts with one, so the two cannot be confused. Strings are skipped with a native search for
// their closing quote; everything else (strictness, escapes, structure) is JSON.parse's.

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

/** `\u0023`, the escaped `#`. */
const ESCAPED_HASH = [BACKSLASH, 0x75, ZERO, ZERO, 0x32, 0x33];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(bytes: Uint8Array, open: number): number {
	let end = bytes.indexOf(QUOTE, open + 1);
	while (end !== -1) {
		let backslashes = 0;
		while (bytes[end - 1 - backslashes] === BACKSLASH) backslashes++;
		if (backslashes % 2 === 0) return end;
		end = bytes.indexOf(QUOTE, end + 1);
	}
	// Stryker disable next-line UnaryOperator: a string left open is refused by JSON.parse either way
	return -1;
}

function startsWithEscapedHash(bytes: Uint8Array, at: number): boolean {
	return ESCAPED_HASH.every((byte, offset) => bytes[at + offset] === byte);
}

/**
 * Whether JSON.parse would lose what Python reads in this token: any exponent; a fraction of zeros
 * (`1.0` is a float with an integer value); more than 15 significant digits (the double may be an
 * integer, or the integer may not fit in a double). A decimal whose double cannot be an integer
 * keeps no spelling: Python prints `repr` of the same double. That holds for a shorter decimal
 * with a non-zero fraction, and for any decimal of at most 14 integer digits whose first
 * fractional digit is 1 to 8: it lies at least 0.1 from every integer, and its double is within
 * 2^-7 of it.
 */
function spellingMatters(
	bytes: Uint8Array,
	start: number,
	end: number,
	dot: number,
	exponent: boolean,
) {
	if (exponent) return true;
	const sign = bytes[start] === MINUS ? 1 : 0;
	if (dot < 0) return end - start - sign > 15;
	const firstFraction = bytes[dot + 1];
	if (dot - start - sign <= 14 && firstFraction > ZERO && firstFraction < NINE) return false;
	// Marking a token that did not need it changes nothing but speed (Python's repr of the same
	// double): only a token left unmarked can be misread, and the tests show each one that must be
	// marked is.
	// Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: marks more, same output
	if (end - start - sign - 1 > 15) return true;
	// Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: marks more, same output
	for (let index = dot + 1; index < end; index++) {
		// Stryker disable next-line ConditionalExpression,BooleanLiteral: marks more, same output
		if (bytes[index] !== ZERO) return false;
	}
	return true;
}

function isDigit(byte: number): boolean {
	return byte >= ZERO && byte <= NINE;
}

/** Index after the digits from `index` on, or -1 when there is none. */
function digitsEnd(bytes: Uint8Array, index: number, end: number): number {
	const start = index;
	// Stryker disable next-line ConditionalExpression,EqualityOperator: bytes[end] ends the token, so it is no digit
	while (index < end && isDigit(bytes[index])) index++;
	return index === start ? -1 : index;
}

/** Whether `bytes[start..end)` is a JSON number: `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`. */
function isNumberToken(bytes: Uint8Array, start: number, end: number): boolean {
	let index = bytes[start] === MINUS ? start + 1 : start;
	// Stryker disable next-line ConditionalExpression,EqualityOperator: bytes[end] ends the token, so it is none of these
	if (index < end && bytes[index] === ZERO) index++;
	else index = digitsEnd(bytes, index, end);
	// Stryker disable next-line ConditionalExpression: at -1 nothing below matches and -1 is not `end`
	if (index < 0) return false;
	// Stryker disable next-line ConditionalExpression,EqualityOperator: bytes[end] ends the token, so it is none of these
	if (index < end && bytes[index] === DOT) index = digitsEnd(bytes, index + 1, end);
	// Stryker disable next-line EqualityOperator: index 0 cannot follow a digit
	if (index < 0) return false;
	// Stryker disable next-line ConditionalExpression,EqualityOperator: bytes[end] ends the token, so it is no e
	if (index < end && (bytes[index] === LOWER_E || bytes[index] === UPPER_E)) {
		index++;
		// Stryker disable next-line ConditionalExpression,EqualityOperator: bytes[end] ends the token, so it is none of these
		if (index < end && (bytes[index] === PLUS || bytes[index] === MINUS)) index++;
		index = digitsEnd(bytes, index, end);
	}
	return index === end;
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
	try {
		return utf8.decode(bytes);
	} catch {
		return undefined;
	}
}

/** What goes in where a body is marked: `#` at a string's start, `"#` and `"` around a token. */
const INSERTS = [[HASH], [QUOTE, HASH], [QUOTE]];
const [STRING_HASH, TOKEN_OPEN, TOKEN_CLOSE] = [0, 1, 2];
/** Gaps between marks shorter than this are copied byte by byte, not through a view. */
const SHORT_COPY = 256;

/**
 * The body as text with number tokens and `#` strings marked (see above), or undefined when it is
 * not UTF-8 or a marked token is not a JSON number. It works on the bytes (everything it looks for
 * is ASCII), so that the only text built is the one JSON.parse reads.
 */
function markNumbers(body: Uint8Array): string | undefined {
	// a plain view: a Buffer's subarray builds a Buffer, a cost per mark
	const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
	// position, insert; in order
	const marks: number[] = [];
	let extra = 0;
	const length = bytes.length;
	let index = 0;
	while (index < length) {
		const byte = bytes[index];
		if (byte === QUOTE) {
			const end = closingQuote(bytes, index);
			if (end < 0) return undefined;
			const first = bytes[index + 1];
			if (first === HASH || (first === BACKSLASH && startsWithEscapedHash(bytes, index + 1))) {
				marks.push(index + 1, STRING_HASH);
				extra += INSERTS[STRING_HASH].length;
			}
			index = end + 1;
		} else if (byte === MINUS || (byte >= ZERO && byte <= NINE)) {
			const start = index;
			let dot = -1;
			let exponent = false;
			for (index++; index < length; index++) {
				const next = bytes[index];
				if (next === DOT) dot = index;
				else if (next === LOWER_E || next === UPPER_E) exponent = true;
				else if (!((next >= ZERO && next <= NINE) || next === PLUS || next === MINUS)) break;
			}
			if (spellingMatters(bytes, start, index, dot, exponent)) {
				if (!isNumberToken(bytes, start, index)) return undefined;
				marks.push(start, TOKEN_OPEN, index, TOKEN_CLOSE);
				extra += INSERTS[TOKEN_OPEN].length + INSERTS[TOKEN_CLOSE].length;
			}
		} else {
			index++;
		}
	}
	if (marks.length === 0) return decodeUtf8(bytes);

	const marked = new Uint8Array(length + extra);
	let copied = 0;
	let written = 0;
	for (let next = 0; next < marks.length; next += 2) {
		const at = marks[next];
		// Stryker disable next-line ConditionalExpression,EqualityOperator: both ways copy the same bytes; this one is for speed
		if (at - copied < SHORT_COPY) {
			while (copied < at) marked[written++] = bytes[copied++];
		} else {
			marked.set(bytes.subarray(copied, at), written);
			written += at - copied;
			copied = at;
		}
		const insert = INSERTS[marks[next + 1]];
		for (let byte = 0; byte < insert.length; byte++) marked[written++] = insert[byte];
	}
	marked.set(bytes.subarray(copied), written);
	return decodeUtf8(marked);
}

/** Whether a parsed string is a marked number token rather than a string of the body. */
export function isToken(value: string): boolean {
	return value.charCodeAt(0) === HASH && value.charCodeAt(1) !== HASH;
}

/** Where a parsed string's text starts: after the `#` marking added to those that start with one. */
export function markedStringStart(value: string): number {
	return value.charCodeAt(0) === HASH ? 1 : 0;
}

const utf8Encoder = new TextEncoder();

/**
 * The body parsed with its number tokens marked (see above), or undefined when it is not UTF-8
 * strict JSON (RFC 8259: no NaN, no comments, no trailing commas).
 */
export function parseMarked(body: Uint8Array | string): unknown {
	const marked = markNumbers(typeof body === 'string' ? utf8Encoder.encode(body) : body);
	if (marked === undefined) return undefined;
	try {
		return JSON.parse(marked) as unknown;
	} catch {
		return undefined;
	}
}
