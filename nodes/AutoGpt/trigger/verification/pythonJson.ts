// How Python's json module spells what it writes: floats by `repr`, strings with `ensure_ascii`,
// keys sorted by code point.

const ascii = new TextDecoder('ascii');

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

	// Outside that range Python writes `d.ddde±XX`, JavaScript `d.ddde±X` (or, from 1e-7 down to
	// 1e-4 and from 1e16 up to 1e21, positionally): the same shortest digits either way.
	const sign = value < 0 ? '-' : '';
	const [mantissa, exponentText] = String(magnitude).split('e');
	const [integerDigits, fractionDigits = ''] = mantissa.split('.');
	let digits = integerDigits + fractionDigits;
	// the decimal point sits after `pointAt` digits of `digits`
	let pointAt = integerDigits.length + (exponentText ? parseInt(exponentText, 10) : 0);
	const leadingZeros = digits.length - digits.replace(/^0+/, '').length;
	digits = digits.slice(leadingZeros).replace(/0+$/, '');
	pointAt -= leadingZeros;
	const exponent = pointAt - 1;
	const fraction = digits.length > 1 ? '.' + digits.slice(1) : '';
	// Stryker disable next-line EqualityOperator: the exponent here is below -4 or above 15, never 0
	const exponentSign = exponent < 0 ? '-' : '+';
	return `${sign}${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** How Python prints a number token: floats by `repr`, integers exactly (`-0` is `0`). */
export function pythonNumber(token: string): string {
	if (/[.eE]/.test(token)) return pythonFloatRepr(Number(token));
	return token;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX_DIGITS = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
/** The letter of an ASCII unit's two-character escape (`\n`), or 0. */
const SHORT_ESCAPES = new Uint8Array(0x80);
for (const [unit, letter] of ['""', '\\\\', '\bb', '\ff', '\nn', '\rr', '\tt']) {
	SHORT_ESCAPES[unit.charCodeAt(0)] = letter.charCodeAt(0);
}
/** Output goes out in blocks of this many bytes. */
const BLOCK_LENGTH = 1 << 16;

/** A canonical chunk goes out as a string, or as ASCII bytes to be used before the next write. */
export type ChunkWriter = (chunk: string | Uint8Array) => void;

/**
 * Writes Python's JSON text as ASCII bytes into one reused block, handed to `write` when full and
 * on `flush`.
 */
export class AsciiWriter {
	private readonly block = new Uint8Array(BLOCK_LENGTH);
	private length = 0;

	constructor(private readonly write: ChunkWriter) {}

	flush(): void {
		if (this.length > 0) this.write(this.block.subarray(0, this.length));
		this.length = 0;
	}

	/** One ASCII byte. */
	byte(byte: number): void {
		if (this.length === BLOCK_LENGTH) this.flush();
		this.block[this.length++] = byte;
	}

	/** Text known to be ASCII, such as a number or a literal. */
	ascii(text: string): void {
		if (text.length > BLOCK_LENGTH) {
			for (let index = 0; index < text.length; index++) this.byte(text.charCodeAt(index));
			return;
		}
		if (this.length > BLOCK_LENGTH - text.length) this.flush();
		const block = this.block;
		let length = this.length;
		for (let index = 0; index < text.length; index++) block[length++] = text.charCodeAt(index);
		this.length = length;
	}

	/**
	 * `text` from `from` on as Python's `ensure_ascii` string: quotes, backslashes and `\b \f \n \r
	 * \t` by their short escapes, every other UTF-16 unit outside space to `~` (control
	 * characters, DEL, non-ASCII, each half of a surrogate pair, lone surrogates) as `\uXXXX` in
	 * lower-case hex; what JSON.stringify writes with those units escaped.
	 */
	string(text: string, from = 0): void {
		const block = this.block;
		this.byte(QUOTE);
		let length = this.length;
		for (let index = from; index < text.length; index++) {
			if (length > BLOCK_LENGTH - 6) {
				this.length = length;
				this.flush();
				length = 0;
			}
			const unit = text.charCodeAt(index);
			if (unit >= 0x20 && unit < 0x7f && unit !== QUOTE && unit !== BACKSLASH) {
				block[length++] = unit;
				continue;
			}
			block[length++] = BACKSLASH;
			const letter = unit < 0x80 ? SHORT_ESCAPES[unit] : 0;
			if (letter !== 0) {
				block[length++] = letter;
				continue;
			}
			block[length++] = 0x75; // u
			block[length++] = HEX_DIGITS[unit >> 12];
			block[length++] = HEX_DIGITS[(unit >> 8) & 15];
			block[length++] = HEX_DIGITS[(unit >> 4) & 15];
			block[length++] = HEX_DIGITS[unit & 15];
		}
		this.length = length;
		this.byte(QUOTE);
	}
}

/** Joins written chunks into the text they spell. */
export function collect(): { write: ChunkWriter; text: () => string } {
	const parts: string[] = [];
	return {
		write: (chunk) => parts.push(typeof chunk === 'string' ? chunk : ascii.decode(chunk)),
		text: () => parts.join(''),
	};
}

/** Python's `ensure_ascii` string encoding. */
export function pythonJsonString(value: string): string {
	const text = collect();
	const writer = new AsciiWriter(text.write);
	writer.string(value);
	writer.flush();
	return text.text();
}

/** Python compares strings by code point; JavaScript's `<` compares UTF-16 units. */
export function compareCodePoints(left: string, right: string): number {
	let i = 0;
	let j = 0;
	while (i < left.length && j < right.length) {
		const a = left.codePointAt(i) as number;
		const b = right.codePointAt(j) as number;
		if (a !== b) return a - b;
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
export function sortedKeys(object: object): string[] {
	const keys = Object.keys(object).sort();
	return keys.some((key) => SURROGATE.test(key)) ? keys.sort(compareCodePoints) : keys;
}
