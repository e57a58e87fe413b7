// jest-circus for the mutation run. A test file is not even loaded when nothing in it can kill the
// active mutant:
// - the mutant is already killed (test/mutation/failFast.js);
// - none of its tests is among those that cover the mutant. Stryker runs a mutant with jest's
//   --findRelatedTests and a name pattern of the covering tests, so jest would still load every test
//   file that imports the mutated module, with n8n-workflow and the sandbox, to run none of its
//   tests. The names each file holds are recorded in the initial run (no mutant active), in a file
//   in Stryker's sandbox that every runner process reads.
// Its name has "jest-circus" in it because Stryker's per-test coverage accepts only jest-circus
// runners, which this one is.
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { createEmptyTestResult } = require('@jest/test-result');
const circus = require('jest-circus/runner');

const failFast = require('./failFast');
const { NAMES_FILE } = require('./testNames');

let names;

const namesFile = (config) => path.join(config.rootDir, NAMES_FILE);

function recordNames(config, testPath, result) {
	names ??= {};
	names[testPath] = result.testResults.map((test) => test.fullName);
	writeFileSync(namesFile(config), JSON.stringify(names));
}

/** Whether a file surely holds none of the tests the name pattern selects (jest's own match). */
function holdsNoneOf(globalConfig, config, testPath) {
	if (!globalConfig.testNamePattern) return false;
	if (names === undefined) {
		try {
			names = JSON.parse(readFileSync(namesFile(config), 'utf8'));
		} catch {
			names = null;
		}
	}
	const inFile = names?.[testPath];
	if (!inFile) return false;
	const pattern = new RegExp(globalConfig.testNamePattern, 'i');
	return !inFile.some((name) => pattern.test(name));
}

/**
 * What a file that was not loaded reports: one skipped test. jest counts a file that reports no test
 * at all as a failed suite ("Your test suite must contain at least one test"), which Stryker would
 * record as a runtime error instead of the mutant's real outcome.
 */
function notLoaded(testPath, why) {
	const title = `not loaded: ${why}`;
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
	if (failFast.isKilled()) return notLoaded(testPath, 'the mutant is killed');
	if (failFast.mutantActive() && holdsNoneOf(globalConfig, config, testPath))
		return notLoaded(testPath, 'no test covers the mutant');
	const result = await circus(...args);
	if (!failFast.mutantActive() && !globalConfig.testNamePattern)
		recordNames(config, testPath, result);
	return result;
};
