// Stryker's jest runner, handing jest for each mutant only the test files that hold the tests
// covering it. Stryker's own runner passes the mutated file with --findRelatedTests and a name
// pattern: jest then resolves the imports of every test file and sets up an environment for each
// of the ~20 files that import the module, to run the few tests the pattern selects. The names of
// the tests in each file are recorded by the initial run (jest-circus-fail-fast.js); a mutant whose
// covering tests are not all found there runs as Stryker's runner would.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { declareFactoryPlugin, PluginKind } from '@stryker-mutator/api/plugin';
import { strykerPlugins as jestPlugins } from '@stryker-mutator/jest-runner';

import testNames from './testNames.js';

const jestRunnerFactory = jestPlugins.find((plugin) => plugin.name === 'jest').factory;

/** Test file paths by test name, from the initial run's record (read once, after that run). */
function readFilesByName(rootDir) {
	let names;
	try {
		names = JSON.parse(readFileSync(path.join(rootDir, testNames.NAMES_FILE), 'utf8'));
	} catch {
		return undefined;
	}
	const byName = new Map();
	for (const [file, fileNames] of Object.entries(names))
		for (const name of fileNames) byName.set(name, [...(byName.get(name) ?? []), file]);
	return byName;
}

function byFileRunnerFactory(injector) {
	const runner = jestRunnerFactory(injector);
	let filesByName;
	let testFiles;

	const mutantRun = runner.mutantRun.bind(runner);
	runner.mutantRun = async (options) => {
		// A mutant that runs when its module loads as well as inside some tests ("hybrid": a
		// module-level pattern or schema that a test loads afresh, to restart n8n say). With
		// ignoreStatic on, Stryker hands over only those tests, and the test files that load the
		// module at their start would never see it (13 survivors of the verification modules did
		// so). It runs with every test file that imports the module, as Stryker's own runner would
		// for a static mutant; Stryker asks to reload the environment only for these.
		if (options.reloadEnvironment && options.testFilter)
			return await mutantRun({ ...options, testFilter: undefined });
		filesByName ??= readFilesByName(process.cwd());
		const files = options.testFilter?.map((name) => filesByName?.get(name));
		testFiles = files?.every(Boolean) ? [...new Set(files.flat())] : undefined;
		try {
			return await mutantRun(options);
		} finally {
			testFiles = undefined;
		}
	};

	const run = runner.run.bind(runner);
	runner.run = (settings) => run(testFiles ? { ...settings, testFiles } : settings);
	return runner;
}
byFileRunnerFactory.inject = jestRunnerFactory.inject;

export const strykerPlugins = [
	declareFactoryPlugin(PluginKind.TestRunner, 'jest-by-file', byFileRunnerFactory),
];
