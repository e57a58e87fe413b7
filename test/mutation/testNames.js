// Where the initial run records the names of the tests in each test file, in Stryker's sandbox
// (written by jest-circus-fail-fast.js, read by it and by byFileRunner.mjs).
module.exports = { NAMES_FILE: '.stryker-test-names.json' };
