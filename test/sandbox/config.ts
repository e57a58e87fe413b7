// The sandbox's configuration: what a config file may set, the defaults, and the merge rules of
// `POST /_sandbox/config` (contract §11).
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import defaultAgents from './default-fixtures.json';

export type StatusCase = 'upper' | 'lower';
export type SignatureMode = 'raw' | 'canonical';
export type ConsentMode = 'manual' | 'approve' | 'deny';
/** §2 allows two shapes of OAuth error body: the guide's flat one and the reference's `detail`. */
export type OAuthErrorStyle = 'guide' | 'ref';
/**
 * A rotated-out refresh token presented again: `refuse` answers `invalid_grant` and nothing else;
 * `revokeFamily` also revokes every token of its grant, as servers with refresh-token reuse
 * detection do (OAuth 2.0 Security BCP §4.14.2; panva's oidc-provider): the user must reconnect.
 */
export type RefreshTokenReuse = 'refuse' | 'revokeFamily';
export type Permission = 'USE' | 'DELETE';
/** §12: `honour` stores keys, replays and echoes; `ignore` is the reference design (no keys at all). */
export type IdempotencyMode = 'honour' | 'ignore';

export interface RateLimits {
	execute: { perMinute: number; perHour: number };
	read: { perMinute: number; perHour: number };
	oauth: { perMinute: number };
}

export interface AgentFixture {
	id: string;
	name: string;
	description?: string;
	/** echo: outputs mirror inputs; fixed: `outputs`; fail: `error`; large: `outputBytes`; review: stops in REVIEW. */
	behavior: 'echo' | 'fixed' | 'fail' | 'large' | 'review';
	queuedSeconds: number;
	runSeconds: number;
	/** An input that, when numeric, replaces `runSeconds` for that run. */
	durationInput?: string;
	outputs?: Record<string, unknown[]>;
	error?: string;
	/** An input whose value, when present, is the failure message. */
	errorInput?: string;
	outputBytes?: number;
	/** Providers the agent needs a usable grant for (§4 "Grant validation failed"). */
	requiresProviders?: string[];
}

export interface ClientConfig {
	clientId: string;
	clientSecret: string;
	webhookSecret: string;
	name: string;
	description: string;
	/** Exact redirect URIs, on top of every loopback `http://localhost|127.0.0.1:<port>/…`. */
	redirectUris: string[];
	/** Hosts webhook URLs may point at; `*.example.com` matches subdomains. */
	webhookDomains: string[];
	/** Scopes the client may ask for; empty means all of `scopes`. */
	allowedScopes: string[];
	enabled: boolean;
}

export interface UserConfig {
	id: string;
	email: string;
	name: string;
	apiKey: string;
}

export interface GrantSeed {
	id: string;
	provider: string;
	credentialId: string;
	scopes: string[];
	permissions: Permission[];
	/** Seconds from start; negative makes an expired grant, absent never expires. */
	expiresInSeconds?: number | null;
	revoked?: boolean;
}

export interface SandboxConfig {
	/** Where the External API is mounted (§1: the guide's default, overridable). */
	apiPrefix: string;
	tokenTtlSeconds: number;
	refreshTokenTtlSeconds: number;
	refreshTokenReuse: RefreshTokenReuse;
	statusCase: StatusCase;
	signatureMode: SignatureMode;
	consentMode: ConsentMode;
	oauthErrorStyle: OAuthErrorStyle;
	idempotencyKeys: IdempotencyMode;
	rateLimits: RateLimits;
	/** Multiplies fixture durations, retry delays and the delivery timeout. */
	timeFactor: number;
	clockOffsetSeconds: number;
	/** Retry delays after a failed delivery (§6: 5 s, 30 s, 300 s), before timeFactor. */
	retryDelaysSeconds: number[];
	/** A delivery with no answer after this long counts as failed (§6: 30 s), before timeFactor. */
	deliveryTimeoutSeconds: number;
	/** The OAuth scope list of §2; the live platform spells them differently, so it is editable. */
	scopes: string[];
	/** Integration scopes per provider (§5). */
	providerScopes: Record<string, string[]>;
	client: ClientConfig;
	user: UserConfig;
	grants: GrantSeed[];
	agents: Record<string, AgentFixture>;
}

/** Keys `POST /_sandbox/config` may change while the sandbox runs. */
export const LIVE_CONFIG_KEYS = [
	'tokenTtlSeconds',
	'refreshTokenTtlSeconds',
	'refreshTokenReuse',
	'statusCase',
	'signatureMode',
	'consentMode',
	'oauthErrorStyle',
	'idempotencyKeys',
	'rateLimits',
	'timeFactor',
	'clockOffsetSeconds',
	'retryDelaysSeconds',
	'deliveryTimeoutSeconds',
] as const;

export const OAUTH_SCOPES = [
	'openid',
	'profile',
	'email',
	'agents:execute',
	'integrations:list',
	'integrations:connect',
	'integrations:delete',
];

export const PROVIDER_SCOPES: Record<string, string[]> = {
	google: [
		'google:gmail.readonly',
		'google:gmail.send',
		'google:sheets.read',
		'google:sheets.write',
		'google:calendar.read',
		'google:calendar.write',
		'google:drive.read',
		'google:drive.write',
	],
	github: ['github:repo.read', 'github:repo.write', 'github:user.read'],
	twitter: ['twitter:tweet.read', 'twitter:tweet.write', 'twitter:user.read'],
	linear: ['linear:read', 'linear:write'],
	notion: ['notion:read', 'notion:write'],
	slack: ['slack:read', 'slack:write'],
};

const token = (prefix: string, bytes = 24) =>
	`${prefix}${randomBytes(bytes).toString('base64url')}`;

/** A whole configuration; identities are fresh unless the caller's partial config names them. */
export function defaultConfig(): SandboxConfig {
	return {
		apiPrefix: '/api/external/v1',
		tokenTtlSeconds: 3600,
		refreshTokenTtlSeconds: 30 * 24 * 3600,
		refreshTokenReuse: 'refuse',
		statusCase: 'upper',
		signatureMode: 'canonical',
		consentMode: 'manual',
		oauthErrorStyle: 'guide',
		idempotencyKeys: 'honour',
		rateLimits: {
			execute: { perMinute: 10, perHour: 100 },
			read: { perMinute: 60, perHour: 1000 },
			oauth: { perMinute: 30 },
		},
		timeFactor: 1,
		clockOffsetSeconds: 0,
		retryDelaysSeconds: [5, 30, 300],
		deliveryTimeoutSeconds: 30,
		scopes: [...OAUTH_SCOPES],
		providerScopes: structuredClone(PROVIDER_SCOPES),
		client: {
			clientId: token('agpt_client_', 12),
			clientSecret: token('agpt_secret_'),
			webhookSecret: token('whsec_'),
			name: 'n8n (sandbox)',
			description: 'The OAuth client of the local AutoGPT platform sandbox',
			redirectUris: [],
			webhookDomains: ['localhost', '127.0.0.1'],
			allowedScopes: [],
			enabled: true,
		},
		user: {
			id: randomUUID(),
			email: 'sandbox.user@example.com',
			name: 'Sandbox User',
			apiKey: token('agpt_'),
		},
		grants: [
			{
				id: randomUUID(),
				provider: 'google',
				credentialId: randomUUID(),
				scopes: ['google:gmail.readonly', 'google:sheets.read'],
				permissions: ['USE', 'DELETE'],
			},
			{
				id: randomUUID(),
				provider: 'github',
				credentialId: randomUUID(),
				scopes: ['github:repo.read'],
				permissions: ['USE'],
			},
			{
				// An expired grant, so lists that leave it out and the 404/400 answers can be seen.
				id: randomUUID(),
				provider: 'linear',
				credentialId: randomUUID(),
				scopes: ['linear:read'],
				permissions: ['USE', 'DELETE'],
				expiresInSeconds: -3600,
			},
		],
		agents: structuredClone(defaultAgents) as Record<string, AgentFixture>,
	};
}

export type PartialConfig = Omit<
	Partial<SandboxConfig>,
	'client' | 'user' | 'rateLimits' | 'agents' | 'grants'
> & {
	client?: Partial<ClientConfig>;
	user?: Partial<UserConfig>;
	rateLimits?: DeepPartial<RateLimits>;
	agents?: Record<string, Partial<AgentFixture> | null>;
	grants?: Array<Partial<GrantSeed> & { provider: string }>;
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export function readConfigFile(path: string): PartialConfig {
	return JSON.parse(readFileSync(path, 'utf8')) as PartialConfig;
}

/** The starting configuration: defaults, then a config file, then options given in code. */
export function buildConfig(...layers: Array<PartialConfig | undefined>): SandboxConfig {
	const config = defaultConfig();
	for (const layer of layers) {
		if (!layer) continue;
		const { client, user, rateLimits, agents, grants, ...rest } = layer;
		Object.assign(config, rest);
		if (client) Object.assign(config.client, client);
		if (user) Object.assign(config.user, user);
		if (rateLimits) config.rateLimits = mergeRateLimits(config.rateLimits, rateLimits);
		if (grants) {
			config.grants = grants.map((grant) => ({
				id: randomUUID(),
				credentialId: randomUUID(),
				scopes: [],
				permissions: ['USE'],
				...grant,
			}));
		}
		for (const [name, fixture] of Object.entries(agents ?? {})) {
			if (fixture === null) {
				delete config.agents[name];
				continue;
			}
			config.agents[name] = {
				id: randomUUID(),
				name,
				behavior: 'echo',
				queuedSeconds: 0.2,
				runSeconds: 0.5,
				...(config.agents[name] as Partial<AgentFixture> | undefined),
				...fixture,
			};
		}
	}
	validateConfig(config);
	return config;
}

export function mergeRateLimits(current: RateLimits, change: DeepPartial<RateLimits>): RateLimits {
	return {
		execute: { ...current.execute, ...change.execute },
		read: { ...current.read, ...change.read },
		oauth: { ...current.oauth, ...change.oauth },
	};
}

/** Applies `POST /_sandbox/config`; throws a message for the 400 answer on a bad key or value. */
export function mergeLiveConfig(config: SandboxConfig, change: Record<string, unknown>): void {
	for (const key of Object.keys(change)) {
		if (!(LIVE_CONFIG_KEYS as readonly string[]).includes(key)) {
			throw new Error(`Unknown config key "${key}"; allowed: ${LIVE_CONFIG_KEYS.join(', ')}`);
		}
	}
	const next: SandboxConfig = structuredClone(config);
	const { rateLimits, ...rest } = change as Partial<SandboxConfig>;
	Object.assign(next, rest);
	if (rateLimits) next.rateLimits = mergeRateLimits(next.rateLimits, rateLimits);
	validateConfig(next);
	Object.assign(config, next);
}

function validateConfig(config: SandboxConfig): void {
	const positive = (name: string, value: unknown, allowZero = true) => {
		if (
			typeof value !== 'number' ||
			!Number.isFinite(value) ||
			value < 0 ||
			(!allowZero && value === 0)
		) {
			throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
		}
	};
	const oneOf = (name: string, value: unknown, allowed: string[]) => {
		if (!allowed.includes(value as string))
			throw new Error(`${name} must be one of ${allowed.join(', ')}`);
	};
	positive('tokenTtlSeconds', config.tokenTtlSeconds, false);
	positive('refreshTokenTtlSeconds', config.refreshTokenTtlSeconds, false);
	positive('timeFactor', config.timeFactor);
	positive('deliveryTimeoutSeconds', config.deliveryTimeoutSeconds, false);
	if (
		typeof config.clockOffsetSeconds !== 'number' ||
		!Number.isFinite(config.clockOffsetSeconds)
	) {
		throw new Error('clockOffsetSeconds must be a number');
	}
	oneOf('statusCase', config.statusCase, ['upper', 'lower']);
	oneOf('signatureMode', config.signatureMode, ['raw', 'canonical']);
	oneOf('consentMode', config.consentMode, ['manual', 'approve', 'deny']);
	oneOf('oauthErrorStyle', config.oauthErrorStyle, ['guide', 'ref']);
	oneOf('refreshTokenReuse', config.refreshTokenReuse, ['refuse', 'revokeFamily']);
	oneOf('idempotencyKeys', config.idempotencyKeys, ['honour', 'ignore']);
	if (!Array.isArray(config.retryDelaysSeconds))
		throw new Error('retryDelaysSeconds must be a list');
	config.retryDelaysSeconds.forEach((delay, index) =>
		positive(`retryDelaysSeconds[${index}]`, delay),
	);
	positive('rateLimits.execute.perMinute', config.rateLimits.execute.perMinute);
	positive('rateLimits.execute.perHour', config.rateLimits.execute.perHour);
	positive('rateLimits.read.perMinute', config.rateLimits.read.perMinute);
	positive('rateLimits.read.perHour', config.rateLimits.read.perHour);
	positive('rateLimits.oauth.perMinute', config.rateLimits.oauth.perMinute);
	if (!config.apiPrefix.startsWith('/')) throw new Error('apiPrefix must start with "/"');
	config.apiPrefix = config.apiPrefix.replace(/\/+$/, '');
}
