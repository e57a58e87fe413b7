// The trigger's verification runs inside n8n, and n8n 2.40.7 runs on Node 24 (2.30 needs 22.22 or
// newer): the trigger's unit tests run again here on the Node 24 the e2e harness installs with
// n8n (on a fresh machine this installs n8n first, as the e2e tests would).
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test code: it runs a process on purpose */
import { spawnSync } from 'child_process';
import { join } from 'path';

import { cleanEnv, ensureN8nInstalled, REPO_ROOT } from '../e2e/harness';

jest.setTimeout(45 * 60_000);

test("the trigger's unit tests pass on n8n's Node 24", async () => {
	const { nodeBin } = await ensureN8nInstalled();
	const version = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
	expect(version).toMatch(/^v24\./);

	const run = spawnSync(
		nodeBin,
		[
			join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
			'--selectProjects',
			'unit',
			'--ci',
			'--testPathPattern',
			'test/unit/trigger/',
		],
		{ cwd: REPO_ROOT, encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 },
	);
	const output = `${run.stdout}\n${run.stderr}`;
	const summary = /Tests:\s+(.*)/.exec(output)?.[1] ?? '(no summary)';
	process.stderr.write(`[node24] ${version}: ${summary}\n`);
	expect({ status: run.status, summary, failures: output.match(/● .*/g) ?? [] }).toEqual({
		status: 0,
		summary: expect.stringMatching(/^\d+ passed, \d+ total$/),
		failures: [],
	});
});
