// `npm run e2e:up [-- --profile live-v1]`: the sandbox and n8n with this package, left running.
// Prints one JSON line {n8nUrl, n8nApiKey, sandbox} on stdout (progress goes to stderr);
// `npm run e2e:down` stops both. With --profile live-v1 the sandbox is today's AutoGPT API v1.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { mkdirSync, rmSync, writeFileSync } from 'fs';

import { readUpRecord, startStack, stopUpRecord, UP_DIR, UP_FILE, type UpRecord } from './harness';
import { profileOf, profileOfLine, sandboxArgsOf } from './liveV1/profile';
import { isAlive } from './processes';

async function main(): Promise<void> {
	const profile = profileOf(process.argv.slice(2));
	const previous = readUpRecord();
	if (previous) {
		const running =
			isAlive(previous.pids.n8n) &&
			isAlive(previous.pids.sandbox) &&
			profileOfLine(previous.line.sandbox) === profile;
		const healthy =
			running &&
			(await fetch(`${previous.line.n8nUrl}/healthz`).then(
				(r) => r.ok,
				() => false,
			));
		if (healthy) {
			process.stderr.write(
				`[e2e] already running (state ${previous.stateDir}); e2e:down stops it\n`,
			);
			process.stdout.write(JSON.stringify(previous.line) + '\n');
			return;
		}
		await stopUpRecord(previous);
	}
	rmSync(UP_DIR, { recursive: true, force: true });
	mkdirSync(UP_DIR, { recursive: true });
	const stack = await startStack({
		stateDir: UP_DIR,
		detached: true,
		sandboxArgs: sandboxArgsOf(profile),
	});
	const record: UpRecord = {
		line: { n8nUrl: stack.n8nUrl, n8nApiKey: stack.n8nApiKey, sandbox: stack.sandbox },
		pids: stack.pids,
		stateDir: stack.stateDir,
		startedAt: new Date().toISOString(),
	};
	writeFileSync(UP_FILE, JSON.stringify(record, null, 2));
	process.stderr.write(
		`[e2e] editor ${stack.n8nUrl} (login ${stack.owner.email} / ${stack.owner.password}); ` +
			`logs ${stack.logs.n8n}, ${stack.logs.sandbox}; stop with npm run e2e:down\n`,
	);
	process.stdout.write(JSON.stringify(record.line) + '\n');
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(
			`[e2e] e2e:up failed: ${error instanceof Error ? error.message : String(error)}\n`,
		);
		process.exit(1);
	},
);
