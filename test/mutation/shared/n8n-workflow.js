// The mutation run's n8n-workflow: the copy n8n-core uses, loaded once per runner process.
module.exports = globalThis.__mutationShared['n8n-workflow'];
