// `npm run e2e:up [-- --profile live-v1] [-- --queue]`: the sandbox and n8n with this package, left
// running. Prints one JSON line {n8nUrl, n8nApiKey, sandbox} on stdout (progress goes to stderr);
// `npm run e2e:down` stops it. With --profile live-v1 the sandbox is today's AutoGPT API v1. With
// --queue: n8n in queue mode (main, two workers, a webhook processor, PostgreSQL, Redis), and the
// line also carries `"mode": "queue"` and `webhookUrls` (harness/queue.ts).
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { mkdirSync, rmSync, writeFileSync } from 'fs';

import {
	readUpRecord,
	startQueueStack,
	startStack,
	stopUpRecord,
	UP_DIR,
	UP_FILE,
	type Stack,
	type UpRecord,
} from './harness';
import { profileOf, profileOfLine, sandboxArgsOf } from './liveV1/profile';
import { isAlive } from './processes';

const queue = process.argv.includes('--queue');

async function main(): Promise<void> {
	const profile = profileOf(process.argv.slice(2));
	const previous = readUpRecord();
	if (previous) {
		const running =
			Object.values(previous.pids).every((pid) => isAlive(pid)) &&
			profileOfLine(previous.line.sandbox) === profile;
		const sameMode = (previous.line.mode === 'queue') === queue;
		const healthy =
			running &&
			sameMode &&
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
	let stack: Stack;
	let record: UpRecord;
	if (queue) {
		const q = await startQueueStack({
			stateDir: UP_DIR,
			detached: true,
			sandboxArgs: sandboxArgsOf(profile),
		});
		stack = q;
		record = {
			line: {
				n8nUrl: q.n8nUrl,
				n8nApiKey: q.n8nApiKey,
				sandbox: q.sandbox,
				mode: 'queue',
				webhookUrls: q.webhookUrls,
			},
			pids: {
				...Object.fromEntries(q.processes.filter((p) => p.pid > 0).map((p) => [p.name, p.pid])),
				n8n: q.pids.n8n,
				sandbox: q.pids.sandbox,
				postgres: q.postgres.process.pid,
				redis: q.redis.process.pid,
			},
			stateDir: q.stateDir,
			startedAt: new Date().toISOString(),
		};
		delete record.pids.main;
	} else {
		stack = await startStack({
			stateDir: UP_DIR,
			detached: true,
			sandboxArgs: sandboxArgsOf(profile),
		});
		record = {
			line: { n8nUrl: stack.n8nUrl, n8nApiKey: stack.n8nApiKey, sandbox: stack.sandbox },
			pids: stack.pids,
			stateDir: stack.stateDir,
			startedAt: new Date().toISOString(),
		};
	}
	writeFileSync(UP_FILE, JSON.stringify(record, null, 2));
	process.stderr.write(
		`[e2e] editor ${stack.n8nUrl} (login ${stack.owner.email} / ${stack.owner.password}); ` +
			`logs ${queue ? `${stack.stateDir}/*.log` : `${stack.logs.n8n}, ${stack.logs.sandbox}`}; stop with npm run e2e:down\n`,
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
