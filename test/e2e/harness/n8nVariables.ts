// Every environment variable the harness gives n8n is one n8n 2.40.7 reads: declared by one of its
// config classes (`@Env('NAME')` in @n8n/config, @n8n/backend-common, n8n's modules) or read directly
// by its code (`process.env.NAME`). A misspelt or retired name would otherwise be ignored silently.
/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { N8N_VERSION } from './constants';
import type { N8nInstall } from './install';

/** What the operating system, Node and npm read, not n8n. */
const NOT_N8N = new Set(['PATH', 'HOME', 'LANG', 'TZ', 'NODE_ENV']);
const NOT_N8N_PATTERN = /^npm_config_/;

function jsFiles(dir: string, out: string[] = []): string[] {
	if (!existsSync(dir)) return out;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) jsFiles(path, out);
		else if (entry.name.endsWith('.js')) out.push(path);
	}
	return out;
}

/** The names n8n's own code knows; scanned once per install and cached beside it. */
export function n8nVariables(install: N8nInstall): Set<string> {
	const cache = join(install.dir, `.n8n-variables-${N8N_VERSION}.json`);
	if (existsSync(cache)) return new Set(JSON.parse(readFileSync(cache, 'utf8')) as string[]);
	const modules = join(install.dir, 'node_modules');
	const scoped = join(modules, '@n8n');
	const dirs = [
		join(modules, 'n8n', 'dist'),
		join(modules, 'n8n-core', 'dist'),
		...readdirSync(scoped).map((name) => join(scoped, name, 'dist')),
	];
	const names = new Set<string>();
	const declared = /\bEnv\)\(\s*['"]([A-Z][A-Z0-9_]*)['"]/g;
	const readDirectly = /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g;
	for (const dir of dirs) {
		for (const file of jsFiles(dir)) {
			const text = readFileSync(file, 'utf8');
			if (!text.includes('Env)(') && !text.includes('process.env')) continue;
			for (const match of text.matchAll(declared)) names.add(match[1]);
			for (const match of text.matchAll(readDirectly)) names.add(match[1] ?? match[2]);
		}
	}
	writeFileSync(cache, JSON.stringify([...names].sort()));
	return names;
}

/** The keys of `env` that are neither n8n's nor the system's: each one a mistake. */
export function unknownVariables(install: N8nInstall, env: NodeJS.ProcessEnv): string[] {
	const known = n8nVariables(install);
	return Object.keys(env).filter(
		(key) => !known.has(key) && !NOT_N8N.has(key) && !NOT_N8N_PATTERN.test(key),
	);
}
