// n8n's verification scanner, run offline: its `analyzePackage` over the source tree (the rules
// n8n applies to the attested sources) and over the unpacked `npm pack` tarball (what n8n installs).
// The registry and provenance legs of the scanner need a published version, so they are left out.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
if (!existsSync(path.join(root, 'dist'))) {
	console.error('scan: dist/ is missing. Run `npm run build` first.');
	process.exit(1);
}

const work = mkdtempSync(path.join(tmpdir(), 'autogpt-scan-'));
try {
	const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
		cwd: root,
		encoding: 'utf8',
	})
		.trim()
		.split('\n')
		.pop();
	execFileSync('tar', ['-xzf', path.join(work, tarball), '-C', work]);
	const results = [
		['source tree', await analyzePackage(root, SOURCE_FILE_PATTERNS)],
		[
			'packed tarball',
			await analyzePackage(path.join(work, 'package'), ['**/*.js', 'package.json']),
		],
	];
	let failed = false;
	for (const [label, result] of results) {
		console.log(`scan (${label}): ${result.passed ? 'passed' : `FAILED: ${result.message}`}`);
		if (!result.passed) {
			failed = true;
			if (result.details) console.log(result.details);
		}
	}
	process.exitCode = failed ? 1 : 0;
} finally {
	rmSync(work, { recursive: true, force: true });
}
