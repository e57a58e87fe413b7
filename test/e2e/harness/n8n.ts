// n8n's environment and its start-up.
/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test harness, not node code: it runs processes, files and the network on purpose */
import { sleep, tail, type StartedProcess } from '../processes';
import type { N8nInstall } from './install';

export function n8nEnvironment(options: {
	install: N8nInstall;
	userFolder: string;
	port: number;
	brokerPort: number;
	extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
	const base = `http://127.0.0.1:${options.port}`;
	return {
		// A clean environment: nothing of the caller's (NODE_ENV=test from jest, NODE_OPTIONS from
		// tsx, N8N_* of a developer's own n8n) leaks in. The task runner n8n spawns is `node` from
		// PATH, so Node 24 comes first.
		PATH: `${options.install.nodeBinDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		HOME: options.userFolder,
		LANG: process.env.LANG ?? 'C.UTF-8',
		TZ: 'UTC',
		GENERIC_TIMEZONE: 'UTC',
		NODE_ENV: 'production',
		N8N_USER_FOLDER: options.userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(options.port),
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: base,
		// The base of webhook URLs (2.x's name for WEBHOOK_URL, which it reports as deprecated): the
		// trigger registers `${base}/webhook/<webhookId>/webhook` with the platform.
		N8N_WEBHOOK_URL: `${base}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '2',
		N8N_LOG_LEVEL: process.env.N8N_E2E_LOG_LEVEL ?? 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'text',
		// Public API and API keys on.
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		// Community packages: load what is in <userFolder>/.n8n/nodes, never fetch anything.
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// Task runner (internal mode in 2.40: a `node` child process) on a free loopback port.
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		N8N_PYTHON_ENABLED: 'false',
		// No outbound calls: telemetry, version checks, templates, banners, the MCP server registry.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_DISABLED_MODULES: 'mcp-registry',
		// n8n runs npm itself (`npm outdated` when the Community Nodes screen lists packages): offline.
		npm_config_offline: 'true',
		npm_config_update_notifier: 'false',
		npm_config_audit: 'false',
		npm_config_fund: 'false',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		...options.extra,
	};
}

export async function waitForN8n(
	url: string,
	proc: StartedProcess,
	timeoutMs: number,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (proc.hasExited())
			throw new Error(`n8n exited during startup; log ${proc.logFile}:\n${tail(proc.logFile)}`);
		try {
			// /healthz answers before migrations; readiness waits for the database.
			const ready = await fetch(`${url}/healthz/readiness`);
			if (ready.ok) {
				const settings = await fetch(`${url}/rest/settings`);
				if (settings.ok) return;
			}
		} catch {
			// not listening yet
		}
		await sleep(250);
	}
	throw new Error(
		`n8n did not become ready within ${timeoutMs / 1000} s; log ${proc.logFile}:\n${tail(proc.logFile)}`,
	);
}
