// The mutation run's test environment: jest's node environment that skips the rest of a file once
// the active mutant is killed (test/mutation/failFast.js), and that hands the test files one
// n8n-core for the whole runner process: n8n-core takes seconds to load, and jest would load it
// again for every test file of every mutant. It is passed through moduleNameMapper
// (test/mutation/shared/), with the n8n-workflow it uses, so that both sides share one copy.
const { TestEnvironment } = require('jest-environment-node');

const failFast = require('./failFast');

const shared = { 'n8n-core': require('n8n-core'), 'n8n-workflow': require('n8n-workflow') };

class MutationEnvironment extends TestEnvironment {
	constructor(config, context) {
		super(config, context);
		this.global.__mutationShared = shared;
	}

	async handleTestEvent(event) {
		if (event.name === 'test_fn_failure') failFast.failed();
		else if (event.name === 'hook_failure') {
			// A failed hook (a trigger activated in beforeAll, say) fails the tests it runs for; skipped,
			// they would report no failure, and the file would hide the kill.
			failFast.failed();
			this.hookFailed = true;
		} else if (event.name === 'test_start' && failFast.isKilled() && !this.hookFailed)
			event.test.mode = 'skip';
	}
}

module.exports = MutationEnvironment;
