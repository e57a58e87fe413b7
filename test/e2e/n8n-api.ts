// n8n's HTTP surfaces as the harness and the tests use them: the internal REST API with the owner's
// session cookie (owner setup, API keys, what the editor sees) and the public API with an API key
// (credentials, workflows, executions).
/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

import type { N8nInstall } from './harness';
import { sleep } from './processes';

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	continueOnFail?: boolean;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	[key: string]: unknown;
}

export interface Workflow {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	active?: boolean;
}

export interface ItemJson {
	json: Record<string, unknown>;
	pairedItem?: { item: number; input?: number } | Array<{ item: number; input?: number }>;
	error?: unknown;
	[key: string]: unknown;
}

export interface NodeRun {
	startTime: number;
	executionTime?: number;
	executionStatus?: string;
	data?: { main: Array<ItemJson[] | null> };
	error?: {
		message: string;
		description?: string;
		itemIndex?: number;
		httpCode?: string;
		[key: string]: unknown;
	};
	[key: string]: unknown;
}

export interface Execution {
	id: string;
	finished: boolean;
	mode: string;
	status: string;
	startedAt: string;
	stoppedAt?: string | null;
	workflowId: string;
	data?: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			error?: {
				message: string;
				description?: string;
				node?: { name: string };
				[key: string]: unknown;
			};
			lastNodeExecuted?: string;
		};
	};
	[key: string]: unknown;
}

export class N8nHttpError extends Error {
	constructor(
		readonly method: string,
		readonly path: string,
		readonly status: number,
		readonly body: string,
	) {
		super(`${method} ${path} → ${status}: ${body.slice(0, 500)}`);
	}
}

export interface PublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	liveVersionId: string | null;
	pendingVersionId: string | null;
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

export class WorkflowActivationError extends Error {
	constructor(
		readonly workflowId: string,
		readonly publication: PublicationStatus,
		message: string,
	) {
		super(message);
	}
}

/**
 * fetch, sent again once when n8n closed a kept-alive connection as the request went out on it
 * (undici: "other side closed"): n8n read nothing of it. On a busy machine the client's timer that
 * retires idle connections before n8n's 5 s keep-alive timeout can fire late; after a restart the
 * connections kept to the old process are closed.
 */
export async function fetchReusingSafely(url: string, init: RequestInit): Promise<Response> {
	return await fetch(url, init).catch(async (error: Error & { cause?: { code?: string } }) => {
		if (error.cause?.code !== 'UND_ERR_SOCKET') return await Promise.reject(error);
		return await fetch(url, init);
	});
}

export class N8nClient {
	private cookie = '';
	apiKey = '';
	/** Where production webhooks are served: n8n itself, or in queue mode a webhook processor. */
	webhookUrl: string;

	constructor(readonly url: string) {
		this.webhookUrl = url;
	}

	// -- transport --------------------------------------------------------------------------

	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetchReusingSafely(`${this.url}/rest${path}`, {
			method,
			headers: {
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		for (const c of setCookie) {
			const [pair] = c.split(';');
			if (pair.startsWith('n8n-auth=')) this.cookie = pair;
		}
		const text = await response.text();
		if (!response.ok) throw new N8nHttpError(method, `/rest${path}`, response.status, text);
		if (!text) return undefined as T;
		const parsed = JSON.parse(text) as { data?: T };
		return (parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed) as T;
	}

	async api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetchReusingSafely(`${this.url}/api/v1${path}`, {
			method,
			headers: {
				accept: 'application/json',
				'X-N8N-API-KEY': this.apiKey,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new N8nHttpError(method, `/api/v1${path}`, response.status, text);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	/** The session cookie, for a browser context (`n8n-auth=…`). */
	get sessionCookie(): string {
		return this.cookie;
	}

	// -- setup ------------------------------------------------------------------------------

	async setupOwner(owner: {
		email: string;
		firstName: string;
		lastName: string;
		password: string;
	}): Promise<void> {
		const settings = await this.rest<{ userManagement?: { showSetupOnFirstLoad?: boolean } }>(
			'GET',
			'/settings',
		);
		if (settings.userManagement?.showSetupOnFirstLoad !== false) {
			await this.rest('POST', '/owner/setup', owner);
		}
		await this.login(owner.email, owner.password);
	}

	async login(email: string, password: string): Promise<void> {
		await this.rest('POST', '/login', { emailOrLdapLoginId: email, password });
	}

	/** A public-API key with every scope the owner may grant, never expiring. */
	async createApiKey(label: string): Promise<string> {
		const scopes = await this.rest<string[]>('GET', '/api-keys/scopes');
		const created = await this.rest<{ rawApiKey: string }>('POST', '/api-keys', {
			label,
			scopes,
			expiresAt: null,
		});
		this.apiKey = created.rawApiKey;
		return this.apiKey;
	}

	/** Node type descriptions as the editor loads them. */
	async nodeTypes(): Promise<
		Array<{
			name: string;
			displayName: string;
			version: number | number[];
			icon?: unknown;
			iconUrl?: unknown;
			[key: string]: unknown;
		}>
	> {
		return await this.typesFile('nodes.json');
	}

	async credentialTypes(): Promise<
		Array<{
			name: string;
			displayName: string;
			extends?: string[];
			properties: Array<{ name: string; [key: string]: unknown }>;
		}>
	> {
		return await this.typesFile('credentials.json');
	}

	/** A type description file as the editor loads it (`/types/<file>`). */
	private async typesFile<T>(file: string): Promise<T> {
		const response = await fetchReusingSafely(`${this.url}/types/${file}`, {
			headers: this.cookie ? { cookie: this.cookie } : {},
		});
		if (!response.ok)
			throw new N8nHttpError('GET', `/types/${file}`, response.status, await response.text());
		return (await response.json()) as T;
	}

	async waitForNodeTypes(types: string[], timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		let known: string[] = [];
		while (Date.now() < deadline) {
			try {
				known = (await this.nodeTypes()).map((t) => t.name);
				if (types.every((t) => known.includes(t))) return;
			} catch {
				// the types file is written after startup
			}
			await sleep(500);
		}
		const ours = known.filter((k) => !k.startsWith('n8n-nodes-base.') && !k.startsWith('@n8n/'));
		throw new Error(
			`n8n did not load ${types.join(', ')}; community node types it knows: ${ours.join(', ') || 'none'}`,
		);
	}

	/**
	 * n8n keeps a row per installed community package (and its nodes) in its database, written when a
	 * package is installed from the Community Nodes screen; it is what that screen lists. We install from
	 * a local tarball, so we write the same rows n8n's InstalledPackagesRepository would.
	 */
	async recordInstalledPackage(
		n8nFolder: string,
		install: N8nInstall,
		packageName: string,
	): Promise<void> {
		const { pkg, nodes } = await this.installedPackageRows(n8nFolder, packageName);
		const script = `
const sqlite3 = require('sqlite3');
const [file, pkgJson, nodesJson] = process.argv.slice(1);
const pkg = JSON.parse(pkgJson);
const nodes = JSON.parse(nodesJson);
const db = new sqlite3.Database(file);
db.configure('busyTimeout', 10000);
db.serialize(() => {
	db.run('BEGIN');
	db.run('DELETE FROM installed_nodes WHERE package = ?', [pkg.name]);
	db.run('DELETE FROM installed_packages WHERE packageName = ?', [pkg.name]);
	db.run("INSERT INTO installed_packages (packageName, installedVersion, authorName, authorEmail, createdAt, updatedAt) VALUES (?, ?, ?, ?, STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW'), STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW'))",
		[pkg.name, pkg.version, pkg.authorName, pkg.authorEmail]);
	for (const n of nodes) db.run('INSERT INTO installed_nodes (name, type, latestVersion, package) VALUES (?, ?, ?, ?)',
		[n.name, n.type, n.latestVersion, pkg.name]);
	db.run('COMMIT', (error) => { if (error) { console.error(error.message); process.exitCode = 1; } db.close(); });
});
`;
		const result = spawnSync(
			install.nodeBin,
			[
				'-e',
				script,
				join(n8nFolder, 'database.sqlite'),
				JSON.stringify(pkg),
				JSON.stringify(nodes),
			],
			{ cwd: install.dir, encoding: 'utf8' },
		);
		if (result.status !== 0)
			throw new Error(`recording the installed package failed: ${result.stderr}`);
	}

	/** The `installed_packages` row and `installed_nodes` rows n8n would write for a package. */
	async installedPackageRows(
		n8nFolder: string,
		packageName: string,
	): Promise<{
		pkg: { name: string; version: string; authorName: string | null; authorEmail: string | null };
		nodes: Array<{ name: string; type: string; latestVersion: number }>;
	}> {
		const all = (await this.nodeTypes()).filter((t) => t.name.startsWith(`${packageName}.`));
		// n8n derives an "…Tool" type from every node marked usableAsTool; it is not a node of the package.
		const types = all.filter(
			(t) => !(t.name.endsWith('Tool') && all.some((o) => `${o.name}Tool` === t.name)),
		);
		const packageJson = JSON.parse(
			readFileSync(join(n8nFolder, 'nodes', 'node_modules', packageName, 'package.json'), 'utf8'),
		) as { version: string; author?: { name?: string; email?: string } };
		const nodes = types.map((t) => ({
			name: t.displayName,
			type: t.name,
			latestVersion: Array.isArray(t.version) ? Math.max(...t.version) : t.version,
		}));
		return {
			pkg: {
				name: packageName,
				version: packageJson.version,
				authorName: packageJson.author?.name ?? null,
				authorEmail: packageJson.author?.email ?? null,
			},
			nodes,
		};
	}

	async communityPackages(): Promise<
		Array<{
			packageName: string;
			installedVersion: string;
			failedLoading?: boolean;
			installedNodes: Array<{ type: string; name: string }>;
		}>
	> {
		return await this.rest('GET', '/community-packages');
	}

	// -- credentials, workflows, executions (public API) --------------------------------------

	async createCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<{ id: string; name: string }> {
		const created = await this.api<{ id: string; name: string }>('POST', '/credentials', {
			name,
			type,
			data,
		});
		return { id: created.id, name: created.name };
	}

	async deleteCredential(id: string): Promise<void> {
		await this.api('DELETE', `/credentials/${id}`);
	}

	async createWorkflow(workflow: Workflow): Promise<Workflow & { id: string }> {
		const { name, nodes, connections, settings } = workflow;
		return await this.api('POST', '/workflows', {
			name,
			nodes,
			connections,
			settings: settings ?? {
				executionOrder: 'v1',
				saveDataSuccessExecution: 'all',
				saveManualExecutions: true,
			},
		});
	}

	async getWorkflow(id: string): Promise<Workflow & { id: string; active: boolean }> {
		return await this.api('GET', `/workflows/${id}`);
	}

	/**
	 * Publishes (activates) a workflow and waits until its triggers are live. n8n 2.40 publishes through
	 * an outbox worked off in the background, so the API call returns before webhooks are registered
	 * and before a trigger's activation can fail; the editor follows the publication status, as this does.
	 */
	async activateWorkflow(id: string, timeoutMs = 60_000): Promise<PublicationStatus> {
		// n8n answers 400 "Error validating node parameters" when its check of the parameters threw
		// rather than found an issue. Seen only on an overloaded 2-core machine (load 16), where
		// n8n-workflow's 250 ms watchdog on parameter regular expressions can fire. A user publishes again.
		for (let attempt = 1; ; attempt++) {
			const failure = await this.api('POST', `/workflows/${id}/activate`).then(
				() => undefined,
				(error: unknown) => error,
			);
			if (failure === undefined) break;
			if (attempt === 3 || !String(failure).includes('Error validating node parameters'))
				throw failure;
			await sleep(1000);
		}
		// Right after the call, a busy n8n in queue mode may still report the version before it
		// (`not_published`) until its outbox has taken the publication up.
		const status = await this.waitForPublication(id, timeoutMs, ['in_progress', 'not_published']);
		if (status.status !== 'published') {
			const reasons = status.triggers
				.map((t) => t.errorMessage)
				.filter(Boolean)
				.join('; ');
			throw new WorkflowActivationError(
				id,
				status,
				`workflow ${id} did not activate (${status.status}): ${reasons}`,
			);
		}
		return status;
	}

	async deactivateWorkflow(id: string, timeoutMs = 60_000): Promise<PublicationStatus> {
		await this.api('POST', `/workflows/${id}/deactivate`);
		return await this.waitForPublication(id, timeoutMs);
	}

	async publicationStatus(id: string): Promise<PublicationStatus> {
		return await this.rest('GET', `/workflows/${id}/publication-status`);
	}

	async waitForPublication(
		id: string,
		timeoutMs: number,
		pending: Array<PublicationStatus['status']> = ['in_progress'],
	): Promise<PublicationStatus> {
		const deadline = Date.now() + timeoutMs;
		let status = await this.publicationStatus(id);
		const failed = (current: PublicationStatus) =>
			current.triggers.some((trigger) => Boolean(trigger.errorMessage));
		while (pending.includes(status.status) && !failed(status) && Date.now() < deadline) {
			await sleep(200);
			status = await this.publicationStatus(id);
		}
		if (status.status === 'in_progress')
			throw new Error(`workflow ${id}: publication still in progress after ${timeoutMs} ms`);
		return status;
	}

	async deleteWorkflow(id: string): Promise<void> {
		await this.api('DELETE', `/workflows/${id}`);
	}

	async executions(workflowId: string, limit = 100): Promise<Execution[]> {
		const page = await this.api<{ data: Execution[] }>(
			'GET',
			`/executions?workflowId=${workflowId}&limit=${limit}`,
		);
		return page.data;
	}

	async execution(id: string): Promise<Execution> {
		return await this.api('GET', `/executions/${id}?includeData=true`);
	}

	/** Waits until the workflow has `count` finished executions more than `known`, and returns the new ones with data. */
	async waitForExecutions(
		workflowId: string,
		options: { known?: Set<string>; count?: number; timeoutMs?: number } = {},
	): Promise<Execution[]> {
		const known = options.known ?? new Set<string>();
		const count = options.count ?? 1;
		const deadline = Date.now() + (options.timeoutMs ?? 60_000);
		let seen: Execution[] = [];
		while (Date.now() < deadline) {
			seen = (await this.executions(workflowId)).filter((e) => !known.has(String(e.id)));
			const done = seen.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
			if (done.length >= count) {
				done.sort((a, b) => Number(a.id) - Number(b.id));
				return await Promise.all(
					done.slice(0, count).map(async (e) => await this.execution(String(e.id))),
				);
			}
			await sleep(250);
		}
		throw new Error(
			`workflow ${workflowId}: expected ${count} new finished execution(s), saw ${seen.map((e) => `${e.id}:${e.status}`).join(', ') || 'none'}`,
		);
	}

	async executionIds(workflowId: string): Promise<Set<string>> {
		return new Set((await this.executions(workflowId)).map((e) => String(e.id)));
	}

	/** POSTs to a production webhook and waits for the execution it started. */
	async runWebhookWorkflow(
		workflowId: string,
		path: string,
		body: unknown,
		options: { timeoutMs?: number } = {},
	): Promise<{ status: number; response: unknown; execution: Execution }> {
		const known = await this.executionIds(workflowId);
		const response = await fetch(`${this.webhookUrl}/webhook/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON
		}
		const [execution] = await this.waitForExecutions(workflowId, {
			known,
			timeoutMs: options.timeoutMs ?? 120_000,
		});
		return { status: response.status, response: parsed, execution };
	}
}

// -- reading execution data ------------------------------------------------------------------

export function nodeRuns(execution: Execution, nodeName: string): NodeRun[] {
	return execution.data?.resultData.runData[nodeName] ?? [];
}

/** The items a node put on an output in its last run. */
export function nodeOutput(execution: Execution, nodeName: string, output = 0): ItemJson[] {
	const runs = nodeRuns(execution, nodeName);
	const last = runs[runs.length - 1];
	return last?.data?.main[output] ?? [];
}

export function nodeError(execution: Execution, nodeName: string): NodeRun['error'] | undefined {
	const runs = nodeRuns(execution, nodeName);
	return runs[runs.length - 1]?.error;
}
