// One jest run, six projects: unit (nock, pure modules, n8n-core workflow runs), node24 (the
// trigger's unit tests again on the Node 24 n8n runs on), integration (the sandbox over real
// loopback HTTP), e2e (a real n8n process with the packed package: the end-to-end tests and the
// reliability suite), queue (n8n in queue mode: main, workers, webhook processors, PostgreSQL and
// Redis, which its harness installs from Debian when missing) and browser (headless Chromium
// against the sandbox and a real n8n; only this project installs Debian's chromium, and only when
// its tests run).
const transform = {
	'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
};
const browserTests = [
	'<rootDir>/test/sandbox/browser.test.ts',
	'<rootDir>/test/e2e/browser.test.ts',
];
const notBrowser = ['/node_modules/', '/browser\\.test\\.ts$'];
const queueTests = '<rootDir>/test/e2e/queue/';

module.exports = {
	maxWorkers: 2,
	// A safety net, not a measurement (jest 29 sets it for all projects): room for a 2-core machine
	// running other work. Files that boot n8n set their own, longer limit.
	testTimeout: 300_000,
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform,
			testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
		},
		{
			displayName: 'node24',
			testEnvironment: 'node',
			transform,
			testMatch: ['<rootDir>/test/node24/**/*.test.ts'],
		},
		{
			displayName: 'integration',
			testEnvironment: 'node',
			transform,
			testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/sandbox/**/*.test.ts'],
			testPathIgnorePatterns: notBrowser,
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform,
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/test/reliability/**/*.test.ts'],
			testPathIgnorePatterns: [...notBrowser, queueTests],
		},
		{
			displayName: 'queue',
			testEnvironment: 'node',
			transform,
			testMatch: [`${queueTests}**/*.test.ts`],
		},
		{
			displayName: 'browser',
			testEnvironment: 'node',
			transform,
			globalSetup: '<rootDir>/test/setup/chromium.ts',
			testMatch: browserTests,
		},
	],
};
