/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
// (A development script: it runs under tsx on Node, never inside n8n.)
//
// A stack left running while writing the suite: `npx tsx test/reliability/dev-up.ts` prints and
// writes <tmpdir>/n8n-nodes-autogpt-reliability-dev/stack.json; then
// `RELIABILITY_STACK=<that file> npx jest test/reliability -t <section>` runs against it. Stop it
// with `kill -- -<pid>` for both pids in the file.
import { mkdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { startStack } from '../e2e/harness';

async function main(): Promise<void> {
	const dir = join(tmpdir(), 'n8n-nodes-autogpt-reliability-dev');
	mkdirSync(dir, { recursive: true });
	const stack = await startStack({
		stateDir: dir,
		detached: true,
		n8nEnv: { N8N_PAYLOAD_SIZE_MAX: '1' },
	});
	const record = {
		n8nUrl: stack.n8nUrl,
		n8nApiKey: stack.n8nApiKey,
		sandbox: stack.sandbox,
		pids: stack.pids,
		logs: stack.logs,
		cookie: stack.n8n.sessionCookie,
	};
	writeFileSync(join(dir, 'stack.json'), JSON.stringify(record, null, 2));
	process.stdout.write(JSON.stringify(record) + '\n');
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(String(error) + '\n');
		process.exit(1);
	},
);
