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
export function pythonNumber(token: string): string {
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
export function writeAscii(text: string, write: ChunkWriter): void {
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
export function sortedKeys(object: object): string[] {
	const keys = Object.keys(object).sort();
	return keys.some((key) => SURROGATE.test(key)) ? keys.sort(compareCodePoints) : keys;
}
