// The browser tests drive Debian's Chromium. On a fresh machine it is not there yet: install it
// (the machine's only package source besides npm is Debian's), so the README's test command needs
// nothing done by hand.
/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function ensureChromium(): string {
	if (existsSync(CHROMIUM)) return CHROMIUM;
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		throw new Error(
			`Chromium is missing at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH.`,
		);
	}
	process.stderr.write('test setup: installing Debian chromium for the browser tests…\n');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	execFileSync('apt-get', ['update', '-q'], { stdio: 'ignore', env });
	execFileSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'ignore', env });
	if (!existsSync(CHROMIUM))
		throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing`);
	return CHROMIUM;
}

export default async function globalSetup(): Promise<void> {
	ensureChromium();
}
