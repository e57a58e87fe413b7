// The detached stack of `e2e:up` / `e2e:down` / the demo.
/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { stopGroup } from '../processes';
import { STATE_ROOT } from './constants';
import type { SandboxInfo } from './sandbox';

export const UP_DIR = join(STATE_ROOT, 'up');
export const UP_FILE = join(UP_DIR, 'stack.json');

export interface UpRecord {
	/** In queue mode also `mode: "queue"` and the webhook processors' base URLs. */
	line: {
		n8nUrl: string;
		n8nApiKey: string;
		sandbox: SandboxInfo;
		mode?: 'queue';
		webhookUrls?: string[];
	};
	/** n8n (main) and the sandbox; in queue mode also every worker, webhook processor and server. */
	pids: { n8n: number; sandbox: number } & Record<string, number>;
	stateDir: string;
	startedAt: string;
}

export function readUpRecord(): UpRecord | undefined {
	if (!existsSync(UP_FILE)) return undefined;
	try {
		return JSON.parse(readFileSync(UP_FILE, 'utf8')) as UpRecord;
	} catch {
		return undefined;
	}
}

export async function stopUpRecord(record: UpRecord): Promise<void> {
	// n8n's processes first, then what they use.
	const services = new Set(['sandbox', 'postgres', 'redis']);
	const entries = Object.entries(record.pids);
	await Promise.all(
		entries.filter(([name]) => !services.has(name)).map(async ([, pid]) => await stopGroup(pid)),
	);
	await Promise.all(
		entries.filter(([name]) => services.has(name)).map(async ([, pid]) => await stopGroup(pid)),
	);
}
