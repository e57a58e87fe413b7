// Test code reads fixtures and runs python3; the community-node rules are for node code.
/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

import {
	canonicalJson,
	MAX_NESTING_DEPTH,
	writeCanonicalJson,
} from '../../../nodes/AutoGpt/trigger/verification/canonicalJson';
import {
	compareCodePoints,
	pythonFloatRepr,
	pythonJsonString,
} from '../../../nodes/AutoGpt/trigger/verification/pythonJson';

interface Vector {
	name: string;
	wire: string;
	canonical: string;
	signatureRaw: string;
	signatureCanonical: string;
}

const vectors = JSON.parse(
	readFileSync(join(__dirname, 'fixtures', 'canonical-vectors.json'), 'utf8'),
) as { secret: string; cases: Vector[] };

/** What python3 prints for json.dumps(json.loads(text), sort_keys=True, separators=(",", ":")). */
function pythonCanonical(texts: string[]): string[] {
	const script =
		'import json,sys\n' +
		'for text in json.load(sys.stdin):\n' +
		'    try: print(json.dumps(json.loads(text), sort_keys=True, separators=(",", ":")))\n' +
		'    except RecursionError: print("RecursionError")\n';
	const output = execFileSync('python3', ['-c', script], {
		input: JSON.stringify(texts),
		maxBuffer: 64 * 1024 * 1024,
	});
	return output.toString('utf8').trimEnd().split('\n');
}

describe('canonical JSON: vectors made by Python (fixtures/make_canonical_vectors.py)', () => {
	it('has vectors', () => {
		expect(vectors.cases.length).toBeGreaterThan(30);
	});

	it.each(vectors.cases.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
		expect(canonicalJson(vector.wire)).toBe(vector.canonical);
	});
});

describe('canonical JSON: fixed cases', () => {
	it.each([
		[
			'keys sorted at every level',
			'{"b":{"d":1,"c":2},"a":[{"z":0,"y":1}]}',
			'{"a":[{"y":1,"z":0}],"b":{"c":2,"d":1}}',
		],
		['separators without spaces', '{ "a" : [ 1 , 2 ] }', '{"a":[1,2]}'],
		['floats keep their float-ness', '[1.0, 2.50, 1e2, 1E-7, -0.0]', '[1.0,2.5,100.0,1e-07,-0.0]'],
		[
			'integers stay exact',
			'[0, -0, 9007199254740993, -12345678901234567890123]',
			'[0,0,9007199254740993,-12345678901234567890123]',
		],
		[
			'positional up to 1e16',
			'[1e15, 1234567890123456.7, 1e16, 0.0001, 0.00001]',
			'[1000000000000000.0,1234567890123456.8,1e+16,0.0001,1e-05]',
		],
		['overflow and underflow', '[1e999, -1e999, 1e-999]', '[Infinity,-Infinity,0.0]'],
		['non-ASCII escaped lower-case', '"é世😀"', '"\\u00e9\\u4e16\\ud83d\\ude00"'],
		[
			'control characters',
			'"\\u0001\\u001f\\u007f\\b\\f\\n\\r\\t"',
			'"\\u0001\\u001f\\u007f\\b\\f\\n\\r\\t"',
		],
		['solidus unescaped', '"a\\/b"', '"a/b"'],
		['quote and backslash', '"\\"\\\\"', '"\\"\\\\"'],
		['last duplicate wins', '{"a":1,"a":{"b":2}}', '{"a":{"b":2}}'],
		['empty containers', '[{},[],""]', '[{},[],""]'],
		['literals', '[true,false,null]', '[true,false,null]'],
	])('%s', (_name, wire, expected) => {
		expect(canonicalJson(wire)).toBe(expected);
	});

	it('sorts keys by code point, as Python does, not by UTF-16 unit', () => {
		// U+FFFF is below U+1F600 as a code point but above its lead surrogate U+D83D
		expect(canonicalJson('{"😀":1,"\\uffff":2}')).toBe('{"\\uffff":2,"\\ud83d\\ude00":1}');
		expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0);
		expect(compareCodePoints('a', 'ab')).toBe(-1);
		expect(compareCodePoints('ab', 'ab')).toBe(0);
		expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
		// after an equal character outside the BMP, both strings go on at the next character
		expect(compareCodePoints('😀x', '😀y')).toBeLessThan(0);
		expect(compareCodePoints('😀y', '😀x')).toBeGreaterThan(0);
		expect(canonicalJson('{"😀y":1,"😀x":2}')).toBe('{"\\ud83d\\ude00x":2,"\\ud83d\\ude00y":1}');
	});
});

describe('canonical JSON: cross-checked with python3 now', () => {
	it('random doubles print as Python repr prints them', () => {
		const values: string[] = [];
		const bits = new DataView(new ArrayBuffer(8));
		let seed = 7;
		const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
		while (values.length < 400) {
			bits.setUint32(0, next() * 2 + (next() & 1));
			bits.setUint32(4, next() * 2 + (next() & 1));
			const value = bits.getFloat64(0);
			if (Number.isFinite(value)) values.push(String(value));
		}
		// as tokens with a fraction or exponent, so Python reads floats
		const texts = values.map((value) => `[${/[.e]/.test(value) ? value : value + '.0'}]`);
		const expected = pythonCanonical(texts);
		expect(texts.map((text) => canonicalJson(text))).toEqual(expected);
	});

	it('a nested document with every kind of value', () => {
		const text = JSON.stringify({
			zeta: [1, 1.5, -0.25, 1e21, 3e-9, 'ωmega', { ключ: null, Key: true, key: false }],
			alpha: { '\u2028': 'line separator', '\u0000': 'nul', '😀': ['\ud800'] },
			'': 'BIG',
		}).replace('"BIG"', '12345678901234567890');
		expect(canonicalJson(text)).toBe(pythonCanonical([text])[0]);
	});
});

describe('the parts', () => {
	it.each([
		[1, '1.0'],
		[0.1, '0.1'],
		[-2.5, '-2.5'],
		[1e16, '1e+16'],
		[1e-5, '1e-05'],
		[1.5e-7, '1.5e-07'],
		[1e100, '1e+100'],
		[123456.789, '123456.789'],
		[5e-324, '5e-324'],
		[0, '0.0'],
		[-0, '-0.0'],
		[Infinity, 'Infinity'],
		[-Infinity, '-Infinity'],
		[NaN, 'NaN'],
		[-1.5e-7, '-1.5e-07'],
		[9.999e-5, '9.999e-05'],
		[1.2345678901234567e20, '1.2345678901234567e+20'],
		[1e22, '1e+22'],
		[-2.5e300, '-2.5e+300'],
	])('pythonFloatRepr(%p) is %s', (value, expected) => {
		expect(pythonFloatRepr(value)).toBe(expected);
	});

	it('pythonJsonString escapes like ensure_ascii', () => {
		expect(pythonJsonString('a"b\\c\u00e9\u{1F600}\u007f ~')).toBe(
			'"a\\"b\\\\c\\u00e9\\ud83d\\ude00\\u007f ~"',
		);
	});

	it('writes an integer longer than a 64 KiB block whole', () => {
		// python3 reads at most 4300 digits by default; the platform's own limit decides such a body
		const digits = '9'.repeat(70_000);
		expect(canonicalJson(`[${digits}, -${digits}]`)).toBe(`[${digits},-${digits}]`);
	});

	it('writes in chunks that join to the canonical form', () => {
		const text = JSON.stringify({ z: 'é'.repeat(70_000), a: [1.5, 'x'.repeat(70_000)] });
		const chunks: string[] = [];
		const write = (chunk: string | Uint8Array) =>
			chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'));
		expect(writeCanonicalJson(text, write)).toBe('written');
		expect(chunks.length).toBeGreaterThan(1);
		expect(chunks.join('')).toBe(pythonCanonical([text])[0]);
	});
});

describe('numbers and strings JSON.parse alone would misread', () => {
	it.each([
		['integral floats stay floats', '[1.0, -0.0, 2.000, 1e2, 1.5e1, 100.000000000000001]'],
		[
			'integers beyond 2^53 stay exact',
			'[9007199254740993, 1234567890123456, -123456789012345678]',
		],
		[
			'15 and 16 digits, either side of the line',
			'[123456789012345, 1234567890123.45, 0.123456789012345]',
		],
		['tiny and huge floats', '[1e-7, 0.00001, 1e21, 1e300, 1e999, -1e999]'],
		['strings that start with #', '["#", "##", "#1.0", "\\u0023x", "a#", {"#k": "#v", "##": 1}]'],
		['numbers as they sit in strings', '["1.0", "1e2", "-0"]'],
		['a key named __proto__', '{"__proto__": {"polluted": 1.0}, "a": 1}'],
	])('%s', (_name, text) => {
		expect(canonicalJson(text)).toBe(pythonCanonical([text])[0]);
	});
});

describe('fast paths agree with python3', () => {
	const blockEdge = 'x'.repeat(65_533);
	it.each([
		[
			'long decimals left to JSON.parse: at most 14 integer digits, first fraction digit 1 to 8',
			'[0.14285714285714285, -0.85714285714285714285, 12345678901234.1234567, 99999999999999.8999999, 0.1000000000000000055511151231257827]',
		],
		[
			'long decimals that keep their spelling: a 9 or 0 first, or 15 integer digits',
			'[0.99999999999999999999, 0.00000000000000000001, 0.09999999999999999999, 123456789012345.5, 999999999999999.9, 4503599627370497.5, 9007199254740993.5, -0.9999999999999999999999, 1.00000000000000000001]',
		],
		['exponents', '[1e5, 1E+5, 1e-7, 1.5e300, -0e0, 0e-5, 2.5E-3, 1.0e0, 12345678901234567890e-5]'],
		[
			'zeros and integral floats',
			'[0, -0, 0.0, -0.0, 1.0, -1.0, 1.000000000000000000000000, 10.0, 1e1]',
		],
		[
			'big integers',
			'[12345678901234567890123, -9007199254740993, 9007199254740992, 100000000000000000000]',
		],
		[
			'escapes',
			'["\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\\u007f\\u0080", "caf\u00e9 \u2014 \ud83d\ude00 \u007f ~", "\\ud800", "\\udfff\\ud800", "\\uD83D\\uDE00"]',
		],
		[
			'strings and keys that start with #',
			'{"#": "#", "##a": "\\u0023", "\\u0023b": ["#1", "##1.0", "#"]}',
		],
		[
			'keys sorted by code point',
			'{"\\ud83d\\ude00": 1, "\\uffff": 2, "a": 3, "A": 4, "\u00e9": 5, "\\ud800": 6, "": 7}',
		],
		[
			'marks with short and long gaps between them',
			`[1.0, "${'y'.repeat(300)}", 2.0, 3.0, {"#": 1e2, "a": "${'z'.repeat(255)}"}, 4.0]`,
		],
		[
			'escapes across a 64 KiB block edge',
			`["${blockEdge}\u00e9\\n\ud83d\ude00\\u0000${'\u2014'.repeat(20_000)}", "${blockEdge}"]`,
		],
	])('%s', (_name, text) => {
		expect(canonicalJson(text)).toBe(pythonCanonical([text])[0]);
		expect(canonicalJson(Buffer.from(text))).toBe(pythonCanonical([text])[0]);
	});
});

describe('strict parsing', () => {
	it.each([
		'',
		'   ',
		'{',
		'{"a":1,}',
		'[1,]',
		'{a:1}',
		"{'a':1}",
		'NaN',
		'Infinity',
		'-Infinity',
		'01',
		'1.',
		'.5',
		'+1',
		'-',
		'1e',
		'1.0.0',
		'-e1',
		'-.5e1',
		'[1.e5]',
		'[01.5e1]',
		'[-01.0]',
		'[1.0 2.0]',
		'{1.0: 2}',
		'{"a" 1.0}',
		'"unterminated',
		'"raw\ncontrol"',
		'"bad \\x escape"',
		'"bad \\u12 escape"',
		'{"a":1} trailing',
		'[1] [2]',
		'tru',
		'nul',
	])('has no canonical form for %j', (text) => {
		expect(canonicalJson(text)).toBeUndefined();
		expect(writeCanonicalJson(text, () => undefined)).toBe('not JSON');
	});

	it('reads what JSON.parse reads', () => {
		const text = ' {"a": [1, -2.5e3, "\\u00e9\\n"], "b": {"c": null}} ';
		expect(canonicalJson(text)).toBe(pythonCanonical([text])[0]);
	});
});

describe('nesting', () => {
	const lists = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

	it('writes what Python writes as deep as Python goes (995 levels), and Python goes no deeper', () => {
		const [at995, at996] = pythonCanonical([lists(995), lists(996)]);
		expect(canonicalJson(lists(995))).toBe(at995);
		expect(at996).toBe('RecursionError');
	});

	it(`stops at ${MAX_NESTING_DEPTH} levels, without recursion`, () => {
		expect(writeCanonicalJson(lists(MAX_NESTING_DEPTH), () => undefined)).toBe('written');
		expect(writeCanonicalJson(lists(MAX_NESTING_DEPTH + 1), () => undefined)).toBe('too deep');
		expect(writeCanonicalJson(lists(100_000), () => undefined)).toBe('too deep');
		expect(canonicalJson(lists(MAX_NESTING_DEPTH + 1))).toBeUndefined();
	});
});
