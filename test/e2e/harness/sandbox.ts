// The platform sandbox, started as its own process.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { sleep, startProcess, stopProcess, tail, type StartedProcess } from '../processes';
import { Log, REPO_ROOT } from './constants';
import { cleanEnv } from './install';

import type { SandboxInfo } from '../../sandbox/server';

export type { SandboxInfo };

export async function startSandbox(
	stateDir: string,
	args: string[],
	log: Log,
): Promise<{ process: StartedProcess; info: SandboxInfo }> {
	const cli = process.env.N8N_E2E_SANDBOX_CLI ?? join(REPO_ROOT, 'test', 'sandbox', 'cli.ts');
	if (!existsSync(cli)) throw new Error(`the sandbox is missing (${cli})`);
	const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
	const outFile = join(stateDir, 'sandbox.out');
	writeFileSync(outFile, '');
	const proc = startProcess('sandbox', process.execPath, [tsx, cli, '--port', '0', ...args], {
		cwd: REPO_ROOT,
		env: cleanEnv({ NODE_ENV: 'development' }),
		logFile: outFile,
	});
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		for (const line of readFileSync(outFile, 'utf8').split('\n')) {
			if (!line.startsWith('{')) continue;
			try {
				const info = JSON.parse(line) as SandboxInfo;
				if (info.url && info.apiUrl) {
					log(`sandbox up at ${info.url}`);
					return { process: proc, info };
				}
			} catch {
				// a partial line
			}
		}
		if (proc.hasExited()) break;
		await sleep(100);
	}
	await stopProcess(proc);
	throw new Error(`the sandbox did not print its JSON line; output:\n${tail(outFile)}`);
}
