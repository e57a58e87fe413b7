// The tests `npm run mutation` runs against each mutant: the unit and integration projects of
// jest.config.js as one project (Stryker's per-test coverage wants one test environment), less the
// files that cannot see a mutant: the sandbox's own conformance tests import nothing from nodes/ or
// credentials/, and the packaging test loads a built copy in a child process.
const path = require('node:path');

const base = require('../../jest.config.js');

const project = (name) => base.projects.find((candidate) => candidate.displayName === name);
const unit = project('unit');
const integration = project('integration');

module.exports = {
	rootDir: '../..',
	// absolute: Stryker loads the environment itself, without jest's <rootDir>
	testEnvironment: path.join(__dirname, 'failFastEnvironment.js'),
	testRunner: path.join(__dirname, 'jest-circus-fail-fast.js'),
	testSequencer: path.join(__dirname, 'sequencer.js'),
	transform: unit.transform,
	// jest's limit for the initial run on a busy machine; a mutant that hangs meets Stryker's timeoutMS.
	testTimeout: base.testTimeout,
	testMatch: [...unit.testMatch, '<rootDir>/test/integration/**/*.test.ts'],
	moduleNameMapper: {
		'^n8n-core$': '<rootDir>/test/mutation/shared/n8n-core.js',
		'^n8n-workflow$': '<rootDir>/test/mutation/shared/n8n-workflow.js',
	},
	testPathIgnorePatterns: [
		...integration.testPathIgnorePatterns,
		'/test/integration/package\\.test\\.ts$',
	],
};
