// Pure URL helpers: where the External API and the platform's pages live for a credential.

export interface PlatformUrls {
	platformUrl: string;
	apiUrl: string;
}

export function trimSlashes(url: string): string {
	return url.trim().replace(/\/+$/, '');
}

export function resolvePlatformUrls(credentials: {
	platformUrl?: unknown;
	apiUrl?: unknown;
}): PlatformUrls {
	const platformUrl = trimSlashes(String(credentials.platformUrl || 'https://platform.agpt.co'));
	const apiUrl = credentials.apiUrl
		? trimSlashes(String(credentials.apiUrl))
		: `${platformUrl}/api/external/v1`;
	return { platformUrl, apiUrl };
}

export interface ConnectLinkInput {
	platformUrl: string;
	provider: string;
	clientId: string;
	scopes: string[];
	nonce: string;
	redirectOrigin: string;
}

/** The connect page address of contract §5: scopes comma-separated, every value URL-encoded. */
export function buildConnectUrl(input: ConnectLinkInput): string {
	const query = new URLSearchParams({
		client_id: input.clientId,
		scopes: input.scopes.join(','),
		nonce: input.nonce,
		redirect_origin: input.redirectOrigin,
	});
	return `${trimSlashes(input.platformUrl)}/connect/${encodeURIComponent(input.provider)}?${query.toString()}`;
}
