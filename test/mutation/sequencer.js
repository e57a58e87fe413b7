// Test files in the order that kills a mutant soonest: the pure modules' tests (milliseconds), then
// the node's workflow tests (n8n-core, nock), then the integration tests against the sandbox.
const Sequencer = require('@jest/test-sequencer').default;

const RANK = [/\/test\/unit\/(trigger|helpers)\//, /\/test\/unit\//, /\/test\/integration\//];

const rank = (path) => {
	const index = RANK.findIndex((pattern) => pattern.test(path));
	return index === -1 ? RANK.length : index;
};

class FastFirstSequencer extends Sequencer {
	sort(tests) {
		return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
	}
}

module.exports = FastFirstSequencer;
