// What `npm pack` ships, and that the built nodes load with nothing beside them but n8n-workflow
// (zod comes from n8n itself, which puts its own module folders on NODE_PATH before loading
// community packages; the real-n8n tests prove that part inside n8n). The package is built afresh
// from the current source, in a copy of the repository, every time: a dist/ left from an earlier
// build could hide a change, and the checkout's own dist/ is left to whoever else builds it.
/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[]; credentials: string[] };
	dependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
};
let work: string;
let files: string[];

jest.setTimeout(120_000);

/** What `npm run build` and `npm pack` read: the sources and the files the package ships. */
const BUILD_INPUTS = [
	'package.json',
	'tsconfig.json',
	'gulpfile.js',
	'index.js',
	'README.md',
	'LICENSE',
	'nodes',
	'credentials',
];

beforeAll(() => {
	work = mkdtempSync(path.join(tmpdir(), 'autogpt-pack-'));
	const source = path.join(work, 'source');
	for (const entry of BUILD_INPUTS)
		cpSync(path.join(root, entry), path.join(source, entry), { recursive: true });
	symlinkSync(path.join(root, 'node_modules'), path.join(source, 'node_modules'));
	execFileSync('npm', ['run', 'build'], { cwd: source, stdio: 'ignore' });
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: source,
			encoding: 'utf8',
		}),
	) as Array<{ filename: string; files: Array<{ path: string }> }>;
	files = packed.files.map((file) => file.path).sort();
	const packageDir = path.join(work, 'node_modules', 'n8n-nodes-autogpt');
	mkdirSync(packageDir, { recursive: true });
	execFileSync('tar', [
		'-xzf',
		path.join(work, packed.filename),
		'-C',
		packageDir,
		'--strip-components=1',
	]);
	symlinkSync(
		path.join(root, 'node_modules', 'n8n-workflow'),
		path.join(work, 'node_modules', 'n8n-workflow'),
	);
	// What n8n offers on NODE_PATH, reduced to zod.
	mkdirSync(path.join(work, 'n8n-modules'));
	symlinkSync(path.join(root, 'node_modules', 'zod'), path.join(work, 'n8n-modules', 'zod'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

test('the manifest: no runtime dependencies, n8n-workflow as the only peer', () => {
	expect(manifest.dependencies ?? {}).toEqual({});
	expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
});

test('the tarball holds built JavaScript, icons and codex files, and nothing else', () => {
	const unexpected = files.filter(
		(file) =>
			!/^dist\/.+\.(js|svg)$/.test(file) &&
			!/^dist\/nodes\/.+\.node\.json$/.test(file) &&
			!['package.json', 'README.md', 'LICENSE', 'index.js'].includes(file),
	);
	expect(unexpected).toEqual([]);
	expect(files.filter((file) => /\.(ts|map)$|^test\//.test(file))).toEqual([]);
	for (const entry of [...manifest.n8n.nodes, ...manifest.n8n.credentials])
		expect(files).toContain(entry);
	for (const asset of [
		'dist/nodes/AutoGpt/autogpt.svg',
		'dist/nodes/AutoGpt/autogpt.dark.svg',
		'dist/nodes/AutoGpt/AutoGpt.node.json',
		'dist/nodes/AutoGpt/autogptTrigger.svg',
		'dist/nodes/AutoGpt/autogptTrigger.dark.svg',
		'dist/nodes/AutoGpt/AutoGptTrigger.node.json',
		'dist/credentials/autogpt.svg',
		'dist/credentials/autogpt.dark.svg',
	]) {
		expect(files).toContain(asset);
	}
});

const loadScript = `
const path = require('path');
const manifest = require(path.resolve('node_modules/n8n-nodes-autogpt/package.json'));
const names = [];
for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
	const exported = require(path.resolve('node_modules/n8n-nodes-autogpt', file));
	for (const Type of Object.values(exported)) {
		const instance = new Type();
		names.push(instance.description ? instance.description.name : instance.name);
	}
}
process.stdout.write(JSON.stringify(names));
`;

test('the built nodes and credentials load with only n8n-workflow beside them', () => {
	const result = spawnSync(process.execPath, ['-e', loadScript], {
		cwd: work,
		encoding: 'utf8',
		env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(work, 'n8n-modules') },
	});
	expect(result.stderr).toBe('');
	expect(JSON.parse(result.stdout)).toEqual([
		'autoGpt',
		'autoGptTrigger',
		'autoGptOAuth2Api',
		'autoGptApi',
	]);
});

test('zod is the only module they need from n8n', () => {
	const result = spawnSync(process.execPath, ['-e', loadScript], {
		cwd: work,
		encoding: 'utf8',
		env: { PATH: process.env.PATH ?? '' },
	});
	expect(result.status).not.toBe(0);
	expect(result.stderr).toMatch(/Cannot find module 'zod'/);
});
