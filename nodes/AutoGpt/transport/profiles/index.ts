// Which External API a credential reaches. Two platforms answer as "AutoGPT":
// - `broker`: the design of AutoGPT's integration guides (OAuth apps, credential grants, signed
//   webhooks) that this package was first written for (contract §1–§9);
// - `liveV1`: AutoGPT as platform.agpt.co (and self-hosted AutoGPT) runs today, External API v1,
//   reached with an API key (contract §10).
// A profile decides the base URL, which operations exist, and what a wrong guess tells the user.
// AutoGPT's next API (v2) becomes one more profile here. Pure: no n8n types.
import { resolvePlatformUrls, trimSlashes } from '../urls';

export type ProfileName = 'broker' | 'liveV1';

export const AGPT_PLATFORM_URL = 'https://platform.agpt.co';
/** Where today's platform.agpt.co serves its External API; v1 paths hang from it. */
export const AGPT_EXTERNAL_API_URL = 'https://backend.agpt.co/external-api';

export interface Connection {
	profile: ProfileName;
	platformUrl: string;
	/** Base of every request path: `…/api/external/v1` (broker), `…/external-api` (liveV1: `/v1/…`). */
	apiUrl: string;
}

export interface CredentialUrls {
	platform?: unknown;
	platformUrl?: unknown;
	apiUrl?: unknown;
}

const LIVE_API_PATH = /\/external-api(\/v1)?$/i;

function isAgptPlatform(platformUrl: string): boolean {
	return platformUrl.toLowerCase() === AGPT_PLATFORM_URL;
}

/**
 * Whether an API key credential reaches today's AutoGPT. Automatic (the default): platform.agpt.co
 * with an empty External API URL, or an External API URL ending in /external-api (or
 * /external-api/v1), the path AutoGPT mounts it at. Everything else is the broker design, as
 * before this profile existed. The credential's test request repeats this rule.
 */
export function isLiveV1(credentials: CredentialUrls): boolean {
	if (credentials.platform === 'autogpt') return true;
	if (credentials.platform === 'oauthApps') return false;
	const apiUrl = trimSlashes(String(credentials.apiUrl ?? ''));
	if (apiUrl) return LIVE_API_PATH.test(apiUrl);
	return isAgptPlatform(resolvePlatformUrls(credentials).platformUrl);
}

export function resolveConnection(oauth2: boolean, credentials: CredentialUrls): Connection {
	const urls = resolvePlatformUrls(credentials);
	// n8n's OAuth2 client cannot sign in to today's platform (README): OAuth2 is always the broker.
	if (oauth2 || !isLiveV1(credentials)) return { profile: 'broker', ...urls };
	const given = trimSlashes(String(credentials.apiUrl ?? ''));
	const apiUrl = given
		? given.replace(/\/v1$/i, '')
		: isAgptPlatform(urls.platformUrl)
			? AGPT_EXTERNAL_API_URL
			: `${urls.platformUrl}/external-api`;
	return { profile: 'liveV1', platformUrl: urls.platformUrl, apiUrl };
}

const USE_AN_API_KEY =
	' To use it, pick an AutoGPT API credential with an API key of that platform (its Platform set to AutoGPT, or Automatic).';

/**
 * What a profile does not offer, as `resource` or `resource.operation` → what is missing and what
 * to do instead. n8n cannot hide an operation by the credential's platform, so these become the
 * error of an item that asks for one.
 */
const UNAVAILABLE: Record<ProfileName, Record<string, string>> = {
	liveV1: {
		'execution.cancel':
			"Today's AutoGPT platform (platform.agpt.co) cannot cancel an execution through its API. Stop the run in AutoGPT (open the agent in your library, then its run, then Stop), or give the waiting node a shorter Timeout.",
		grant:
			"Credential grants exist only on a platform with OAuth apps; today's AutoGPT platform (platform.agpt.co) has none. To list or remove the accounts you connected to AutoGPT, use Integration Credential → Get Many or Delete.",
		'account.getCapabilities':
			"Today's AutoGPT platform (platform.agpt.co) has no capabilities endpoint. Use Account → Get for the account of the API key; what the key may do is chosen when it is created in AutoGPT (Settings → API Keys).",
		connect:
			"Today's AutoGPT platform (platform.agpt.co) has no connect links. Connect accounts in AutoGPT itself (Settings → Integrations, or when you set up an agent); Integration Credential → Get Many lists them.",
		trigger:
			"Today's AutoGPT platform (platform.agpt.co) sends no events to other apps, so this trigger cannot start the workflow. Instead, run the agent with the AutoGPT node (Agent → Execute, Wait for Completion on) and continue from its outputs, or end your agent with a Send Web Request block pointed at the URL of an n8n Webhook node.",
	},
	broker: {
		block: `Blocks are served by today's AutoGPT platform (platform.agpt.co or self-hosted AutoGPT), and this credential points at a platform with OAuth apps and credential grants.${USE_AN_API_KEY}`,
		store: `The agent store is served by today's AutoGPT platform (platform.agpt.co or self-hosted AutoGPT), and this credential points at a platform with OAuth apps and credential grants.${USE_AN_API_KEY}`,
		integrationCredential:
			"Integration credentials are listed by today's AutoGPT platform (platform.agpt.co or self-hosted AutoGPT); on a platform with OAuth apps, use Grant → Get Many instead.",
		'account.get':
			"Account → Get is served by today's AutoGPT platform (platform.agpt.co or self-hosted AutoGPT); on a platform with OAuth apps, use Account → Get Capabilities instead.",
	},
};

/** Why `resource.operation` cannot run on this profile, or undefined when it can. */
export function unavailableOn(
	profile: ProfileName,
	resource: string,
	operation?: string,
): string | undefined {
	const table = UNAVAILABLE[profile];
	return table[`${resource}.${operation}`] ?? table[resource];
}

/**
 * What to do about a 404 that came from the web framework itself (`{"detail":"Not Found"}`: no such
 * route), which means the credential points at the other kind of platform, or at no API at all.
 * A 410 on today's platform means AutoGPT retired the API version this package speaks.
 */
export function wrongPlatformHint(
	profile: ProfileName,
	oauth2: boolean,
	status: number,
	platformWords: string | undefined,
): string | undefined {
	if (profile === 'liveV1' && status === 410) {
		return 'AutoGPT no longer serves the API version this package speaks (it announced the end of External API v1 for 2026-12-31). Update n8n-nodes-autogpt to a version that speaks its newer API.';
	}
	if (status !== 404 || platformWords !== 'Not Found') return undefined;
	if (profile === 'liveV1') {
		return "This address does not serve today's AutoGPT API. For platform.agpt.co leave the credential's External API URL empty; for self-hosted AutoGPT enter its backend address followed by /external-api. If the platform has OAuth apps and credential grants, set the credential's Platform to that. If every address was right, AutoGPT may have retired this API version: update n8n-nodes-autogpt.";
	}
	return oauth2
		? "This address does not serve the AutoGPT External API. Check the credential's External API URL. (Today's platform.agpt.co cannot be reached with OAuth2 from n8n: use the AutoGPT API credential with an API key.)"
		: "This address does not serve the External API of a platform with OAuth apps. For today's platform.agpt.co or self-hosted AutoGPT, set the credential's Platform to AutoGPT (or leave it Automatic with an empty External API URL); otherwise check the External API URL.";
}
