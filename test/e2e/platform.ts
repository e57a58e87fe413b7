// The sandbox's admin API (test/sandbox/README.md) as the end-to-end tests use it, and the OAuth2
// connection of an n8n credential done over plain HTTP (the browser test does it in Chromium).
import type { SandboxInfo } from './harness';
import type { N8nClient } from './n8n-api';

export interface SandboxExecution {
	execution_id: string;
	agent_id: string;
	status: string;
	inputs: Record<string, unknown>;
	grant_ids: string[] | null;
	webhook_url: string | null;
	[key: string]: unknown;
}

export interface SandboxSubscription {
	id: string;
	url: string;
	events: string[];
	secret: string;
	created_at: string;
	[key: string]: unknown;
}

export interface SandboxDelivery {
	url: string;
	event: string;
	attempt: number;
	status: number | null;
	/** The first 200 characters of what the receiver answered. */
	answer: string | null;
	error: string | null;
	signature_mode: string;
	body: string;
	delivery_id: string;
	execution_id: string | null;
	at: string;
	[key: string]: unknown;
}

export interface SandboxToken {
	token: string;
	kind: string;
	client_id: string;
	scopes: string[];
	created_at: string;
	expires_at: string;
	revoked_at: string | null;
	replaced_by: string | null;
	active: boolean;
}

export interface SandboxGrant {
	id: string;
	provider: string;
	permissions: string[];
	revoked_at?: string | null;
	[key: string]: unknown;
}

export class SandboxAdmin {
	constructor(readonly info: SandboxInfo) {}

	async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.info.url}/_sandbox/${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`sandbox ${method} ${path} → ${response.status}: ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	async executions(): Promise<SandboxExecution[]> {
		return await this.call('GET', 'executions');
	}

	async webhooks(): Promise<SandboxSubscription[]> {
		return await this.call('GET', 'webhooks');
	}

	async deliveries(): Promise<SandboxDelivery[]> {
		return await this.call('GET', 'deliveries');
	}

	async tokens(): Promise<SandboxToken[]> {
		return await this.call('GET', 'tokens');
	}

	async grants(): Promise<SandboxGrant[]> {
		return await this.call('GET', 'grants');
	}

	async requests(): Promise<Array<{ method: string; path: string; status: number; at: string }>> {
		return await this.call('GET', 'requests');
	}

	async createGrant(body: {
		provider: string;
		permissions?: string[];
		scopes?: string[];
	}): Promise<SandboxGrant> {
		return await this.call('POST', 'grants', body);
	}

	async revokeGrant(id: string): Promise<void> {
		await this.call('POST', `grants/${id}/revoke`);
	}

	async consent(mode: 'approve' | 'deny' | 'manual'): Promise<void> {
		await this.call('POST', 'consent', { mode });
	}

	async config(change: Record<string, unknown>): Promise<void> {
		await this.call('POST', 'config', change);
	}

	async fault(rule: {
		method?: string;
		path: string;
		count: number;
		status?: number;
		body?: unknown;
		delayMs?: number;
		drop?: boolean;
		/** Acts on the sandbox's outgoing deliveries (their URL's path), of this event if given. */
		delivery?: boolean;
		event?: string;
	}): Promise<void> {
		await this.call('POST', 'faults', rule);
	}

	async deliver(body: {
		url: string;
		event: string;
		data: unknown;
		secret?: string | null;
		signatureMode?: 'raw' | 'canonical';
		timestamp?: string;
		headerTimestamp?: string;
		retries?: boolean;
	}): Promise<{ body: string; signature: string; delivery_id: string }> {
		return await this.call('POST', 'deliver', body);
	}

	/** Sends a delivery's very bytes and signature once more, as a replaying attacker would. */
	async resend(deliveryId: string): Promise<void> {
		await this.call('POST', `deliveries/${deliveryId}/resend`);
	}
}

/** The AutoGPT OAuth2 credential's data for this sandbox (client from the sandbox's line). */
export function oauth2CredentialData(
	sandbox: SandboxInfo,
	extra: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		clientId: sandbox.clientId,
		clientSecret: sandbox.clientSecret,
		platformUrl: sandbox.url,
		apiUrl: sandbox.apiUrl,
		webhookSecret: sandbox.webhookSecret,
		...extra,
	};
}

export function apiKeyCredentialData(sandbox: SandboxInfo): Record<string, unknown> {
	return { apiKey: sandbox.apiKey, platformUrl: sandbox.url, apiUrl: sandbox.apiUrl };
}

/**
 * Connects an OAuth2 credential without a browser: asks n8n for the authorization URL (as the editor's
 * Connect button does), lets the sandbox approve at once, and follows its redirect to n8n's callback,
 * which exchanges the code (with the PKCE verifier n8n kept) for tokens.
 */
export async function connectOAuth2Credential(
	n8n: N8nClient,
	admin: SandboxAdmin,
	credentialId: string,
): Promise<void> {
	const authUrl = await n8n.rest<string>('GET', `/oauth2-credential/auth?id=${credentialId}`);
	await admin.consent('approve');
	try {
		const authorize = await fetch(authUrl, { redirect: 'manual' });
		const location = authorize.headers.get('location');
		if (authorize.status !== 302 || !location) {
			throw new Error(
				`authorize answered ${authorize.status}: ${(await authorize.text()).slice(0, 300)}`,
			);
		}
		const callback = await fetch(location, { headers: { cookie: n8n.sessionCookie } });
		const page = await callback.text();
		if (
			!callback.ok ||
			(/error/i.test(page.replace(/<script[\s\S]*?<\/script>/g, '').slice(0, 2000)) &&
				!/success/i.test(page))
		) {
			throw new Error(`n8n's OAuth callback answered ${callback.status}: ${page.slice(0, 500)}`);
		}
	} finally {
		await admin.consent('manual');
	}
}
