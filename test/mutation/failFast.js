// "Fail fast" for the mutation run, shared by its test environment and its test runner (both load
// outside the test files' module registry, so this state lives as long as the runner process).
// While Stryker has a mutant active, the first failing test kills it: nothing more needs to run,
// and without this each killed mutant would still run every test that covers it (Stryker turns
// jest's `bail` off, which works per file only anyway). The initial run, with no mutant active,
// runs everything to learn which tests cover which mutant.
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

let killed;

const activeMutant = () => process.env[ACTIVE_MUTANT];

module.exports = {
	/** Whether Stryker has a mutant active (not the initial run). */
	mutantActive() {
		return activeMutant() !== undefined;
	},
	/** A test or hook failed: the active mutant is killed. */
	failed() {
		if (activeMutant() !== undefined) killed = activeMutant();
	},
	/** Whether the active mutant is already killed, so that the rest can be skipped. */
	isKilled() {
		return activeMutant() !== undefined && killed === activeMutant();
	},
};
