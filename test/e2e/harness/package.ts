// This package, packed and installed into n8n's user folder as a community package.
/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { run } from '../processes';
import { E2E_DIR, type Log, PACKAGE_NAME, REPO_ROOT, defaultLog } from './constants';
import { cleanEnv, withLock, type N8nInstall } from './install';

export interface PackedPackage {
	tarball: string;
	name: string;
	version: string;
}

const PACK_DIR = join(E2E_DIR, '.cache', 'pack');

/**
 * `npm run build` then `npm pack` of this repository. With N8N_E2E_TARBALL set, that tarball is used
 * as it is; with N8N_E2E_SKIP_BUILD=1 the existing dist/ is packed.
 */
export async function packPackage(log: Log = defaultLog): Promise<PackedPackage> {
	const given = process.env.N8N_E2E_TARBALL;
	if (given) {
		const tarball = resolve(given);
		const version = /-(\d+\.\d+\.\d+[^/]*)\.tgz$/.exec(tarball)?.[1] ?? '0.0.0';
		return { tarball, name: PACKAGE_NAME, version };
	}
	mkdirSync(PACK_DIR, { recursive: true });
	return await withLock(join(E2E_DIR, '.cache', 'pack.lock'), 'build and pack', log, () => {
		const logFile = join(PACK_DIR, 'pack.log');
		writeFileSync(logFile, '');
		if (process.env.N8N_E2E_SKIP_BUILD !== '1') {
			log('building the package (npm run build)');
			run('npm', ['run', 'build'], {
				cwd: REPO_ROOT,
				logFile,
				what: 'npm run build',
				env: cleanEnv(),
			});
		}
		for (const old of readdirSync(PACK_DIR)) if (old.endsWith('.tgz')) rmSync(join(PACK_DIR, old));
		run('npm', ['pack', '--pack-destination', PACK_DIR, '--loglevel=warn'], {
			cwd: REPO_ROOT,
			logFile,
			what: 'npm pack',
			env: cleanEnv(),
		});
		const tarballs = readdirSync(PACK_DIR).filter((f) => f.endsWith('.tgz'));
		if (tarballs.length !== 1)
			throw new Error(`npm pack left ${tarballs.length} tarballs in ${PACK_DIR}`);
		const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
			name: string;
			version: string;
		};
		return { tarball: join(PACK_DIR, tarballs[0]), name: pkg.name, version: pkg.version };
	});
}

/**
 * Installs the tarball into `<userFolder>/.n8n/nodes` exactly as n8n 2.40's
 * CommunityPackagesService.downloadPackage does with the tarball it gets from `npm pack <name>`:
 * unpack into `node_modules/<name>`, drop dev/peer/optional dependencies from its package.json,
 * `npm install` the rest with scripts off, and record it in the folder's package.json.
 * (n8n fetches the tarball from the registry; ours comes from the local `npm pack`.)
 */
export function installPackageIntoUserFolder(
	userFolder: string,
	packed: PackedPackage,
	log: Log = defaultLog,
): string {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const packageDir = join(nodesDir, 'node_modules', packed.name);
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(packageDir, { recursive: true });
	const logFile = join(userFolder, 'package-install.log');
	run('tar', ['-xzf', packed.tarball, '-C', packageDir, '--strip-components=1'], {
		cwd: nodesDir,
		logFile,
		what: 'unpacking the package tarball',
	});
	const packageJsonFile = join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...packageJson } = JSON.parse(
		readFileSync(packageJsonFile, 'utf8'),
	) as Record<string, unknown>;
	void devDependencies;
	void peerDependencies;
	void optionalDependencies;
	writeFileSync(packageJsonFile, JSON.stringify(packageJson, null, 2));
	run(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--loglevel=warn',
		],
		{ cwd: packageDir, logFile, what: 'npm install inside the community package', env: cleanEnv() },
	);
	const ledgerFile = join(nodesDir, 'package.json');
	const ledger = existsSync(ledgerFile)
		? (JSON.parse(readFileSync(ledgerFile, 'utf8')) as { dependencies?: Record<string, string> })
		: { name: 'installed-nodes', private: true, dependencies: {} };
	ledger.dependencies = {
		...(ledger.dependencies ?? {}),
		[packed.name]: String(packageJson.version),
	};
	writeFileSync(ledgerFile, JSON.stringify(ledger, null, 2));
	log(`installed ${packed.name}@${String(packageJson.version)} into ${nodesDir}`);
	return packageDir;
}

/**
 * Where the installed package's runtime imports resolve when n8n loads it. n8n puts its own module
 * paths on NODE_PATH before loading community packages (LoadNodesAndCredentials.init), which is how a
 * package without dependencies gets n8n-workflow and zod; this repeats that and checks that nothing
 * resolves from this repository.
 */
export function checkModuleResolution(
	install: N8nInstall,
	packageDir: string,
): Record<string, string> {
	const script = `
const Module = require('module');
const n8nDist = require('path').dirname(require.resolve('n8n/package.json')) + '/dist';
process.env.NODE_PATH = Module._nodeModulePaths(n8nDist).join(':');
Module._initPaths();
const out = {};
for (const name of ['zod', 'n8n-workflow']) out[name] = require.resolve(name, { paths: [process.argv[1]] });
process.stdout.write(JSON.stringify(out));
`;
	const result = spawnSync(install.nodeBin, ['-e', script, join(packageDir, 'dist')], {
		cwd: install.dir,
		encoding: 'utf8',
		env: { PATH: process.env.PATH ?? '' },
	});
	if (result.status !== 0) {
		throw new Error(`the package's imports do not resolve inside n8n: ${result.stderr.trim()}`);
	}
	const resolved = JSON.parse(result.stdout) as Record<string, string>;
	for (const [name, file] of Object.entries(resolved)) {
		if (!file.startsWith(install.dir + '/') || file.startsWith(REPO_ROOT + '/')) {
			throw new Error(`${name} resolves to ${file}, outside n8n's own install (${install.dir})`);
		}
	}
	return resolved;
}

/** Builds, packs and installs this package into an n8n user folder. */
export async function packAndInstallPackage(
	userFolder: string,
	log: Log = defaultLog,
): Promise<PackedPackage> {
	const packed = await packPackage(log);
	installPackageIntoUserFolder(userFolder, packed, log);
	return packed;
}
