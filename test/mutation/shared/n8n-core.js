// The mutation run's n8n-core: the one its test environment loaded once per runner process.
module.exports = globalThis.__mutationShared['n8n-core'];
