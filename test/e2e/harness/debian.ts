// Debian packages the queue-mode stack needs (PostgreSQL, Redis), installed by the test run itself
// when missing, as the browser project installs chromium: the machine's only package source besides
// npm is Debian's.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { mkdirSync } from 'fs';
import { join } from 'path';

import { run } from '../processes';
import { type Log, STATE_ROOT } from './constants';
import { withLock } from './install';

/**
 * Runs `apt-get update` and `apt-get install <packages>` unless `present()` already holds. Needs
 * root; otherwise the error names the packages to install. apt waits for dpkg's own lock, so two
 * harnesses installing at once take turns.
 */
export async function ensureDebianPackages(
	packages: string[],
	present: () => boolean,
	log: Log,
): Promise<void> {
	if (present()) return;
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		throw new Error(
			`the queue-mode stack needs Debian's ${packages.join(', ')}: apt-get install ${packages.join(' ')} (or run the tests as root, which installs them)`,
		);
	}
	mkdirSync(STATE_ROOT, { recursive: true });
	await withLock(join(STATE_ROOT, 'apt.lock'), `apt-get install ${packages.join(' ')}`, log, () => {
		if (present()) return;
		const started = Date.now();
		const logFile = join(STATE_ROOT, 'apt.log');
		log(`installing Debian's ${packages.join(', ')} (apt-get; log ${logFile})`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		const lock = ['-o', 'DPkg::Lock::Timeout=600'];
		run('apt-get', [...lock, 'update', '-q'], {
			cwd: STATE_ROOT,
			env,
			logFile,
			what: 'apt-get update',
		});
		run('apt-get', [...lock, 'install', '-y', '-q', '--no-install-recommends', ...packages], {
			cwd: STATE_ROOT,
			env,
			logFile,
			what: `apt-get install ${packages.join(' ')}`,
		});
		if (!present())
			throw new Error(`apt-get installed ${packages.join(', ')}, but it is still missing`);
		log(`${packages.join(', ')} installed in ${Math.round((Date.now() - started) / 1000)} s`);
	});
}
