// jest-circus for the mutation run. A test file is not even loaded once the active mutant is
// killed (test/mutation/failFast.js). The initial run (no mutant active) records the names of the
// tests in each file, in a file in Stryker's sandbox, for byFileRunner.mjs to hand jest only the
// files that hold a mutant's covering tests. Its name has "jest-circus" in it because Stryker's
// per-test coverage accepts only jest-circus runners, which this one is.
const { writeFileSync } = require('node:fs');
const path = require('node:path');
const { createEmptyTestResult } = require('@jest/test-result');
const circus = require('jest-circus/runner');

const failFast = require('./failFast');
const { NAMES_FILE } = require('./testNames');

const names = {};

function recordNames(config, testPath, result) {
	names[testPath] = result.testResults.map((test) => test.fullName);
	writeFileSync(path.join(config.rootDir, NAMES_FILE), JSON.stringify(names));
}

/**
 * What a file left out after the kill reports: one skipped test. jest counts a file that reports no test
 * at all as a failed suite ("Your test suite must contain at least one test"), which Stryker would
 * record as a runtime error instead of the mutant's real outcome.
 */
function notLoaded(testPath) {
	const title = 'not loaded: the mutant is killed';
	return {
		...createEmptyTestResult(),
		testFilePath: testPath,
		numPendingTests: 1,
		testResults: [
			{
				ancestorTitles: [],
				duration: 0,
				failureDetails: [],
				failureMessages: [],
				fullName: title,
				location: null,
				numPassingAsserts: 0,
				status: 'pending',
				title,
			},
		],
	};
}

// jest's test runner arguments: globalConfig, config, environment, runtime, testPath, sendMessageToJest.
module.exports = async (...args) => {
	const [globalConfig, config, , , testPath] = args;
	if (failFast.isKilled()) return notLoaded(testPath);
	const result = await circus(...args);
	if (!failFast.mutantActive() && !globalConfig.testNamePattern)
		recordNames(config, testPath, result);
	return result;
};
