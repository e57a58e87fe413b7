/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- bench code runs in its own Node process against n8n, never inside n8n */
// Benchmark 3b: what refusing a forged 16 MiB delivery costs (issue 10), against a bare JSON.parse
// of the same bytes. Anyone can send one: the raw-body MAC fails, so the trigger builds the
// canonical form to compare the second MAC. Each figure comes from a child process on the Node
// that runs n8n (24, from the e2e harness's install): time as the median of alternating rounds in
// one process, memory as the peak RSS of one run in a fresh process over its RSS just before
// (the median of three such processes).
import { execFileSync } from 'child_process';
import { join } from 'path';

import { ReplayGuard } from '../../nodes/AutoGpt/trigger/verification/replayGuard';
import { verifyDelivery } from '../../nodes/AutoGpt/trigger/verification/verifyDelivery';
import { wireJson } from '../sandbox/canonical';
import { pythonIsoformat } from '../sandbox/clock';
import { ensureN8nInstalled } from '../e2e/harness';
import { fmt, log, median, table } from './report';
import { completedPayload } from './verification';

/** n8n's default body limit (N8N_PAYLOAD_SIZE_MAX=16); BENCH_FORGED_MIB changes it while developing. */
const BODY_BYTES = Number(process.env.BENCH_FORGED_MIB ?? 16) * 1024 * 1024;
/** BENCH_FORGED_ROUNDS changes it while developing. */
const ROUNDS = Number(process.env.BENCH_FORGED_ROUNDS ?? 3);

/** The bodies an attacker would pick: a real-looking delivery, and the node-dense shapes. */
const BODIES = {
	'execution.completed delivery': () => Buffer.from(wireJson(completedPayload(BODY_BYTES))),
	'array of {}': () => Buffer.from(`[${'{},'.repeat(Math.floor(BODY_BYTES / 3) - 1)}{}]`),
	'array of floats': () => {
		const floats: string[] = [];
		let bytes = 2;
		for (let index = 0; bytes < BODY_BYTES; index++) {
			const float = (index / 7).toFixed(6);
			floats.push(float);
			bytes += float.length + 1;
		}
		return Buffer.from(`[${floats.join(',')}]`);
	},
	'lists nested 8 million deep': () =>
		Buffer.from(`${'['.repeat(BODY_BYTES / 2)}${']'.repeat(BODY_BYTES / 2)}`),
} as const;

type BodyName = keyof typeof BODIES;

function refuse(body: Buffer): void {
	const verdict = verifyDelivery(
		{
			rawBody: body,
			signatureHeader: `sha256=${'ab'.repeat(32)}`,
			timestampHeader: pythonIsoformat(Date.now()),
		},
		{
			secret: `whsec_${'b'.repeat(32)}`,
			toleranceSeconds: 300,
			nowMs: Date.now(),
			replayGuard: new ReplayGuard(),
		},
	);
	if (verdict.accepted) throw new Error('a forged delivery was accepted');
}

const MODES = {
	parse: (body: Buffer) => void JSON.parse(body.toString('utf8')),
	refuse,
};

/** In the child: one measurement, printed as JSON on stdout. */
function child(what: 'time' | 'memory', name: BodyName, mode?: keyof typeof MODES): void {
	const body = BODIES[name]();
	if (what === 'memory') {
		(globalThis as { gc?: () => void }).gc?.();
		const before = process.memoryUsage().rss;
		MODES[mode!](body);
		const peak = process.resourceUsage().maxRSS * 1024;
		process.stdout.write(JSON.stringify({ bytes: body.length, extra: peak - before }));
		return;
	}
	const times: Record<string, number[]> = { parse: [], refuse: [] };
	for (let round = 0; round <= ROUNDS; round++) {
		for (const [modeName, run] of Object.entries(MODES)) {
			const start = process.hrtime.bigint();
			run(body);
			const ms = Number(process.hrtime.bigint() - start) / 1e6;
			if (round > 0) times[modeName].push(ms); // round 0 warms up
		}
	}
	process.stdout.write(
		JSON.stringify({
			bytes: body.length,
			parseMs: median(times.parse),
			refuseMs: median(times.refuse),
		}),
	);
}

export interface ForgedRow {
	body: BodyName;
	bytes: number;
	parseMs: number;
	refuseMs: number;
	vsParse: number;
	parseExtraMiB: number;
	refuseExtraMiB: number;
	/** Memory beyond a bare parse's, in multiples of the body's size. */
	extraVsSize: number;
	/** The same with the young generation pinned: what the refusal holds beyond a parse. */
	heldVsSize: number;
}

export interface ForgedResult {
	node: string;
	rows: ForgedRow[];
	/** The slowest body's refusal. */
	forged16mbMs: number;
	/** The highest ratio to a bare JSON.parse over the bodies. */
	forged16mbVsParse: number;
	/** The highest memory beyond a bare parse, in multiples of the body's size. */
	forged16mbExtraMemVsSize: number;
	/** The same with the young generation pinned. */
	forged16mbHeldMemVsSize: number;
}

export async function runForgedBench(): Promise<{ result: ForgedResult; text: string }> {
	const { nodeBin } = await ensureN8nInstalled(log);
	const run = (args: string[], flags: string[] = []) =>
		JSON.parse(
			execFileSync(nodeBin, ['--expose-gc', ...flags, '--import', 'tsx', __filename, ...args], {
				cwd: join(__dirname, '..', '..'),
				maxBuffer: 1024 * 1024,
				timeout: 30 * 60_000,
			}).toString('utf8'),
		) as { bytes: number; parseMs: number; refuseMs: number; extra: number };
	const node = execFileSync(nodeBin, ['--version']).toString('utf8').trim();
	const rows: ForgedRow[] = [];
	for (const name of Object.keys(BODIES) as BodyName[]) {
		log(`3b. forged 16 MiB body: ${name}`);
		const time = run(['time', name]);
		// Peak RSS moves with when V8 collects: the median of three fresh processes each. With V8's
		// defaults, a run that allocates much short-lived garbage also grows the young generation
		// (by up to ~60 MiB, once per process; n8n's is grown by its own work): the second figure
		// pins it at 1 MiB, which leaves what the run holds.
		const memory = (mode: keyof typeof MODES, flags: string[] = []) =>
			median([1, 2, 3].map(() => run(['memory', name, mode], flags).extra));
		const pinned = ['--max-semi-space-size=1'];
		const parseExtra = memory('parse');
		const refuseExtra = memory('refuse');
		const parseHeld = memory('parse', pinned);
		const refuseHeld = memory('refuse', pinned);
		rows.push({
			body: name,
			bytes: time.bytes,
			parseMs: time.parseMs,
			refuseMs: time.refuseMs,
			vsParse: time.refuseMs / time.parseMs,
			parseExtraMiB: parseExtra / 2 ** 20,
			refuseExtraMiB: refuseExtra / 2 ** 20,
			extraVsSize: Math.max(0, refuseExtra - parseExtra) / time.bytes,
			heldVsSize: Math.max(0, refuseHeld - parseHeld) / time.bytes,
		});
	}
	const result: ForgedResult = {
		node,
		rows,
		forged16mbMs: Math.max(...rows.map((row) => row.refuseMs)),
		forged16mbVsParse: Math.max(...rows.map((row) => row.vsParse)),
		forged16mbExtraMemVsSize: Math.max(...rows.map((row) => row.extraVsSize)),
		forged16mbHeldMemVsSize: Math.max(...rows.map((row) => row.heldVsSize)),
	};
	const text = table(
		`3b. Refusing a forged 16 MiB delivery (Node ${node}; median of ${ROUNDS} rounds; memory: peak RSS of one run in a fresh process, median of 3)`,
		[
			'body',
			'bytes',
			'JSON.parse ms',
			'refusal ms',
			'× JSON.parse',
			'JSON.parse MiB',
			'refusal MiB',
			'extra ÷ size',
			'held extra ÷ size',
		],
		rows.map((row) => [
			row.body,
			row.bytes,
			fmt(row.parseMs, 0),
			fmt(row.refuseMs, 0),
			fmt(row.vsParse, 1),
			fmt(row.parseExtraMiB, 0),
			fmt(row.refuseExtraMiB, 0),
			fmt(row.extraVsSize, 1),
			fmt(row.heldVsSize, 1),
		]),
	);
	return { result, text };
}

if (require.main === module && process.argv.length > 2) {
	const [what, name, mode] = process.argv.slice(2) as ['time' | 'memory', BodyName, 'parse'];
	child(what, name, mode);
}
