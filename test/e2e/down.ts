// `npm run e2e:down`: stops what `npm run e2e:up` left running. Removes nothing cached (the n8n
// install, the packed tarball); the logs of the stopped stack stay in its state directory.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { rmSync } from 'fs';

import { readUpRecord, stopUpRecord, UP_FILE } from './harness';

async function main(): Promise<void> {
	const record = readUpRecord();
	if (!record) {
		process.stderr.write('[e2e] nothing to stop (no stack started by e2e:up)\n');
		return;
	}
	await stopUpRecord(record);
	rmSync(UP_FILE, { force: true });
	const stopped = Object.entries(record.pids).map(([name, pid]) => `${name} (pid ${pid})`);
	process.stderr.write(`[e2e] stopped ${stopped.join(', ')}; logs in ${record.stateDir}\n`);
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(
			`[e2e] e2e:down failed: ${error instanceof Error ? error.message : String(error)}\n`,
		);
		process.exit(1);
	},
);
