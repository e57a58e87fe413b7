// jest-circus for the mutation run: a test file is not even loaded once the active mutant is
// killed (test/mutation/failFast.js). Its name has "jest-circus" in it because Stryker's per-test
// coverage accepts only jest-circus runners, which this one is.
const { createEmptyTestResult } = require('@jest/test-result');
const circus = require('jest-circus/runner');

const failFast = require('./failFast');

module.exports = async (
	globalConfig,
	config,
	environment,
	runtime,
	testPath,
	sendMessageToJest,
) => {
	if (failFast.isKilled()) return { ...createEmptyTestResult(), testFilePath: testPath };
	return circus(globalConfig, config, environment, runtime, testPath, sendMessageToJest);
};
