// `npm run mutation`: StrykerJS over nodes/ and credentials/ (test/mutation/stryker.config.mjs),
// then the figure: the score per area, every surviving mutant in one line each, and a closing line
//   mutation: score=… killed=… survived=… timeout=… no_coverage=… …
// Arguments go to `stryker run` (e.g. `-- --mutate nodes/AutoGpt/transport/rateBudget.ts`, `--force`).
// The incremental file (Stryker's results per mutant, with the tests that covered and killed it) is
// kept in git, gzipped, as test/mutation/incremental.json.gz: a fresh clone starts from it, so a run
// tests only the mutants whose code or covering tests changed since; each run writes it back, to be
// committed with the change that moved it.
// A tool run from the command line, never inside n8n: n8n's rules for node code are off here.
/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

interface Mutant {
	mutatorName: string;
	replacement?: string;
	status: string;
	statusReason?: string;
	location: { start: { line: number; column: number } };
}

interface Report {
	files: Record<string, { mutants: Mutant[] }>;
}

const root = path.resolve(__dirname, '../..');
const kept = path.join(root, 'test/mutation/incremental.json.gz');
const incremental = path.join(root, 'reports/mutation/stryker-incremental.json');
if (!existsSync(incremental) && existsSync(kept)) {
	mkdirSync(path.dirname(incremental), { recursive: true });
	writeFileSync(incremental, gunzipSync(readFileSync(kept)));
}
const started = Date.now();
const stryker = spawnSync(
	process.execPath,
	[
		path.join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js'),
		'run',
		'test/mutation/stryker.config.mjs',
		...process.argv.slice(2),
	],
	{ cwd: root, stdio: 'inherit' },
);
if (stryker.status !== 0) process.exit(stryker.status ?? 1);
const minutes = (Date.now() - started) / 60_000;
writeFileSync(kept, gzipSync(readFileSync(incremental), { level: 9 }));

const report = JSON.parse(
	readFileSync(path.join(root, 'reports/mutation/mutation.json'), 'utf8'),
) as Report;

type Counts = Record<
	'Killed' | 'Survived' | 'Timeout' | 'NoCoverage' | 'Ignored' | 'other',
	number
>;
const empty = (): Counts => ({
	Killed: 0,
	Survived: 0,
	Timeout: 0,
	NoCoverage: 0,
	Ignored: 0,
	other: 0,
});

const areas: Array<[string, (file: string) => boolean]> = [
	['nodes', (file) => file.startsWith('nodes/')],
	['verification', (file) => /^nodes\/.*\/verification\//.test(file)],
	['transport', (file) => /^nodes\/.*\/transport\//.test(file)],
	['credentials', (file) => file.startsWith('credentials/')],
	['all', () => true],
];
const counts = new Map(areas.map(([name]) => [name, empty()]));
const survivors: string[] = [];

for (const [file, { mutants }] of Object.entries(report.files)) {
	const relative = path.relative(root, path.resolve(root, file));
	for (const mutant of mutants) {
		const status = mutant.status in empty() ? (mutant.status as keyof Counts) : 'other';
		for (const [name, inArea] of areas) if (inArea(relative)) counts.get(name)![status]++;
		if (status === 'Survived' || status === 'NoCoverage') {
			const { line, column } = mutant.location.start;
			const replacement = (mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80);
			survivors.push(
				`${relative}:${line}:${column} ${mutant.mutatorName}${status === 'NoCoverage' ? ' (no coverage)' : ''} → ${replacement}`,
			);
		}
	}
}

/** Stryker's score: killed and timed-out mutants over all that were tested or had no test. */
const score = (c: Counts) => {
	const valid = c.Killed + c.Timeout + c.Survived + c.NoCoverage;
	return valid === 0 ? 'n/a' : ((100 * (c.Killed + c.Timeout)) / valid).toFixed(2);
};

console.log(`\nSurviving mutants (${survivors.length}):`);
for (const line of survivors.sort()) console.log(`  ${line}`);
console.log('\nScore per area (ignored: UI copy, and static mutants, see CONTRIBUTING.md):');
for (const [name] of areas) {
	const c = counts.get(name)!;
	console.log(
		`  ${name.padEnd(13)} ${score(c).padStart(6)} %  killed ${c.Killed}, timeout ${c.Timeout}, survived ${c.Survived}, no coverage ${c.NoCoverage}, ignored ${c.Ignored}`,
	);
}
const all = counts.get('all')!;
console.log(
	`mutation: score=${score(all)} killed=${all.Killed} survived=${all.Survived} timeout=${all.Timeout} no_coverage=${all.NoCoverage} ignored=${all.Ignored} nodes=${score(counts.get('nodes')!)} verification=${score(counts.get('verification')!)} transport=${score(counts.get('transport')!)} credentials=${score(counts.get('credentials')!)} minutes=${minutes.toFixed(1)}`,
);
