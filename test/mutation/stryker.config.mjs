// StrykerJS over the product code (nodes/ and credentials/; new files are picked up by the globs),
// run against the unit and integration tests (test/mutation/jest.config.js). `npm run mutation`
// runs it through test/mutation/run.ts, which prints the survivors and the closing line.
// Reports, the incremental file and the sandboxes are git-ignored and prettier-ignored.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	mutate: ['nodes/**/*.ts', 'credentials/**/*.ts'],
	testRunner: 'jest-by-file',
	jest: {
		projectType: 'custom',
		configFile: 'test/mutation/jest.config.js',
		// Only the test files that import the mutated file, and in them only the tests that ran it.
		enableFindRelatedTests: true,
	},
	coverageAnalysis: 'perTest',
	ignoreStatic: true,
	checkers: ['typescript'],
	tsconfigFile: 'tsconfig.json',
	typescriptChecker: { prioritizePerformanceOverAccuracy: true },
	plugins: ['@stryker-mutator/*', './test/mutation/uiCopy.mjs', './test/mutation/byFileRunner.mjs'],
	ignorers: ['ui-copy'],
	incremental: true,
	incrementalFile: 'reports/mutation/stryker-incremental.json',
	reporters: ['progress', 'clear-text', 'json', 'html'],
	clearTextReporter: { reportMutants: false, reportTests: false, allowEmojis: false },
	jsonReporter: { fileName: 'reports/mutation/mutation.json' },
	htmlReporter: { fileName: 'reports/mutation/mutation.html' },
	concurrency: 2,
	timeoutMS: 10_000,
	tempDirName: '.stryker-tmp',
	cleanTempDir: 'always',
	ignorePatterns: [
		'dist',
		'docs',
		'reports',
		'test/e2e/.cache',
		'test/e2e/.state',
		'test/e2e/artifacts',
		'test/bench/results',
	],
};
