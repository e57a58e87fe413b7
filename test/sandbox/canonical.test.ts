// The sandbox's Python-JSON writer against vectors that python3 produces in this very test.
import {
	canonicalJson,
	parsePythonJson,
	pythonFloatRepr,
	pythonJsonDumps,
	wireJson,
} from './canonical';
import { pythonIsoformat } from './clock';
import { python } from './testkit';

/** Documents as JSON text, so floats like `1.0` reach both sides unchanged. */
const DOCUMENTS = [
	'{"event": "execution.completed", "timestamp": "2026-11-22T20:00:00.123456+00:00", "data": {"status": "completed"}}',
	'{"b": 1, "a": 2, "c": {"z": [3, 2, 1], "y": {"n": null, "t": true, "f": false}}}',
	'{"text": "caf\\u00e9 \\u2603 \\ud83d\\ude00 \\u0000 \\u001f \\u007f \\"quoted\\" back\\\\slash\\n\\t\\r\\b\\f /"}',
	'{"floats": [1.0, 2.5, 0.1, 1e-07, 1e16, 1.5e300, -0.0, 123456789.125, 3.141592653589793, 1e-4, 0.0001234, 1e22]}',
	'{"ints": [0, -1, 9007199254740991, -9007199254740991]}',
	'{"\\u00e9": 1, "e": 2, "E": 3, "\\ud83d\\ude00": 4, "\\uffff": 5, "": 6, "10": 7, "9": 8}',
	'{"empty": {"list": [], "map": {}, "string": ""}}',
	'[{"nested": [[[{"deep": "ok"}]]]}]',
];

const dumpsAll = (script: string) =>
	JSON.parse(
		python(
			`import json,sys\nout=[]\nfor doc in json.loads(sys.stdin.read()):\n    v=json.loads(doc)\n    ${script}\nsys.stdout.write(json.dumps(out))`,
			JSON.stringify(DOCUMENTS),
		),
	) as string[];

describe('Python json.dumps, as the platform writes it', () => {
	it('canonical form: sort_keys=True, separators=(",", ":")', () => {
		const expected = dumpsAll('out.append(json.dumps(v, sort_keys=True, separators=(",", ":")))');
		DOCUMENTS.forEach((document, index) => {
			expect(canonicalJson(parsePythonJson(document))).toBe(expected[index]);
		});
	});

	it('wire form: default json.dumps, insertion order', () => {
		const expected = dumpsAll('out.append(json.dumps(v))');
		DOCUMENTS.forEach((document, index) => {
			expect(wireJson(parsePythonJson(document))).toBe(expected[index]);
		});
	});

	it('FastAPI answer form: compact, ensure_ascii=False', () => {
		const expected = dumpsAll(
			'out.append(json.dumps(v, ensure_ascii=False, separators=(",", ":")))',
		);
		DOCUMENTS.forEach((document, index) => {
			expect(
				pythonJsonDumps(parsePythonJson(document), { compact: true, ensureAscii: false }),
			).toBe(expected[index]);
		});
	});

	it('float repr matches Python for awkward values', () => {
		const values = [
			0.1,
			0.2 + 0.1,
			1 / 3,
			5e-324,
			1.7976931348623157e308,
			1e15,
			1e16,
			123e-20,
			2 ** 60,
			-2.5e-5,
			100.0,
		];
		const expected = python(
			'import json,sys; print(" ".join(repr(float(x)) for x in json.loads(sys.stdin.read())))',
			JSON.stringify(values),
		).trim();
		expect(values.map(pythonFloatRepr).join(' ')).toBe(expected);
	});

	it('JavaScript objects with safe integers serialize like json.loads would have read them', () => {
		const payload = { data: { count: 3, ratio: 0.5, big: 2 ** 60, label: 'ü' } };
		const expected = python(
			'import json,sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.read()), sort_keys=True, separators=(",", ":")))',
			JSON.stringify(payload),
		);
		expect(canonicalJson(payload)).toBe(expected);
	});
});

describe('Python isoformat', () => {
	it('writes microseconds and +00:00, leaving out a zero fraction', () => {
		expect(pythonIsoformat(Date.UTC(2026, 10, 22, 20, 0, 0, 123) + 0.456)).toBe(
			'2026-11-22T20:00:00.123456+00:00',
		);
		expect(pythonIsoformat(Date.UTC(2026, 10, 22, 20, 0, 0))).toBe('2026-11-22T20:00:00+00:00');
		const expected = python(
			'from datetime import datetime, timezone; print(datetime(2026,11,22,20,0,0,5000,tzinfo=timezone.utc).isoformat())',
			'',
		).trim();
		expect(pythonIsoformat(Date.UTC(2026, 10, 22, 20, 0, 0, 5))).toBe(expected);
	});
});
