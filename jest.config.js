// One jest run, three projects: unit (nock, pure modules, n8n-core workflow runs), integration
// (the sandbox over real loopback HTTP) and e2e (a real n8n process with the packed package:
// the end-to-end tests and the reliability suite).
const transform = {
	'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
};

module.exports = {
	maxWorkers: 2,
	// Installs Debian's chromium on a fresh machine before any browser test runs.
	globalSetup: '<rootDir>/test/setup/chromium.ts',
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform,
			testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
		},
		{
			displayName: 'integration',
			testEnvironment: 'node',
			transform,
			testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/sandbox/**/*.test.ts'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform,
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/test/reliability/**/*.test.ts'],
		},
	],
};
