// The real-n8n harness: a pinned n8n 2.x on Node 24 (both from npm, cached outside git), this
// package packed and installed into n8n's user folder the way n8n installs a community package,
// the platform sandbox, and n8n started against it with an owner account and a public-API key.
export * from './constants';
export * from './install';
export * from './package';
export * from './sandbox';
export * from './n8n';
export * from './stack';
export * from './queue';
export * from './postgres';
export * from './redis';
export * from './n8nVariables';
export * from './upRecord';
