// n8n loads this package through the "n8n" field of package.json (nodes and credentials in dist/).
// The main entry exists because npm packages need one; it deliberately exports nothing that runs.
module.exports = {};
