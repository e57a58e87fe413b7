// The live-v1 sandbox's configuration: AutoGPT's External API v1 as platform.agpt.co serves it
// today (contract §10, ../../shared/reference/live-platform-v1.md), its fixtures, and what
// `POST /_sandbox/config` may change while it runs.
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { mergeRateLimits, type RateLimits } from '../config';
import fixtures from './fixtures.json';

/** The permissions an API key of today's platform can carry (`APIKeyPermission`). */
export const PERMISSIONS = [
	'IDENTITY',
	'EXECUTE_GRAPH',
	'READ_GRAPH',
	'EXECUTE_BLOCK',
	'READ_BLOCK',
	'READ_STORE',
	'USE_TOOLS',
	'MANAGE_INTEGRATIONS',
	'READ_INTEGRATIONS',
	'DELETE_INTEGRATIONS',
	'WRITE_GRAPH',
	'WRITE_LIBRARY',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export interface GraphFixture {
	id: string;
	name: string;
	description: string;
	/** The versions this account may run; the highest is the latest. */
	versions: number[];
	/** echo: outputs mirror inputs; fail: a block errors and the run FAILS; review: stops in REVIEW;
	 * partial: COMPLETED although one block reported an error. */
	behavior: 'echo' | 'fail' | 'review' | 'partial';
	queuedSeconds: number;
	runSeconds: number;
	durationInput?: string;
	errorInput?: string;
	error?: string;
	outputs?: Record<string, string[]>;
}

export interface StoreAgentFixture {
	creator: string;
	slug: string;
	/** The graph fixture behind the listing. */
	graph: string;
	agentName: string;
	subHeading: string;
	description: string;
	categories: string[];
	runs: number;
	rating: number;
	featured: boolean;
}

export interface BlockFixture {
	id: string;
	name: string;
	description: string;
	category: string;
	inputs: Record<string, string>;
	required?: string[];
	outputs: Record<string, string>;
	behavior: 'storeValue' | 'calculator' | 'combineTexts';
}

export interface IntegrationCredentialFixture {
	id: string;
	provider: string;
	type: 'api_key' | 'oauth2' | 'user_password' | 'host_scoped';
	title: string | null;
	scopes: string[] | null;
	username: string | null;
	host: string | null;
	is_managed: boolean;
}

export interface LiveV1Config {
	/** Where the External API is mounted; its paths start with /v1. */
	apiPrefix: string;
	/** PR #14545's limits (reads 300 a minute, execute-type calls 30 a minute); 0 is unlimited. */
	rateLimits: RateLimits;
	/** Multiplies fixture durations. */
	timeFactor: number;
	clockOffsetSeconds: number;
	/** When true, every charged call (graph and block executions) answers 402. */
	paywall: boolean;
	user: { id: string; email: string; name: string | null; timezone: string; apiKey: string };
	graphs: Record<string, GraphFixture>;
	storeAgents: StoreAgentFixture[];
	/** Filler listings (`sandbox-creator/research-assistant-N`), so that search results span pages. */
	generatedStoreAgents: number;
	blocks: Record<string, BlockFixture>;
	integrationCredentials: IntegrationCredentialFixture[];
}

export type PartialLiveV1Config = Partial<Omit<LiveV1Config, 'user' | 'rateLimits'>> & {
	user?: Partial<LiveV1Config['user']>;
	rateLimits?: { execute?: Partial<RateLimits['execute']>; read?: Partial<RateLimits['read']> };
};

/** Keys `POST /_sandbox/config` may change while the sandbox runs. */
export const LIVE_KEYS = ['rateLimits', 'timeFactor', 'clockOffsetSeconds', 'paywall'] as const;

export function defaultLiveV1Config(): LiveV1Config {
	return {
		apiPrefix: '/external-api',
		rateLimits: {
			execute: { perMinute: 30, perHour: 0 },
			read: { perMinute: 300, perHour: 0 },
			oauth: { perMinute: 0 },
		},
		timeFactor: 1,
		clockOffsetSeconds: 0,
		paywall: false,
		user: {
			id: randomUUID(),
			email: 'sandbox.user@example.com',
			name: 'Sandbox User',
			timezone: 'Europe/Amsterdam',
			apiKey: `agpt_${randomBytes(32).toString('base64url')}`,
		},
		...(structuredClone(fixtures) as Pick<
			LiveV1Config,
			'graphs' | 'storeAgents' | 'generatedStoreAgents' | 'blocks' | 'integrationCredentials'
		>),
	};
}

export function readLiveV1ConfigFile(path: string): PartialLiveV1Config {
	return JSON.parse(readFileSync(path, 'utf8')) as PartialLiveV1Config;
}

export function buildLiveV1Config(...layers: Array<PartialLiveV1Config | undefined>): LiveV1Config {
	const config = defaultLiveV1Config();
	for (const layer of layers) {
		if (!layer) continue;
		const { user, rateLimits, ...rest } = layer;
		Object.assign(config, rest);
		if (user) Object.assign(config.user, user);
		if (rateLimits) config.rateLimits = mergeRateLimits(config.rateLimits, rateLimits);
	}
	validate(config);
	return config;
}

/** Applies `POST /_sandbox/config`; throws the message of the 400 answer on a bad key or value. */
export function mergeLiveV1Config(config: LiveV1Config, change: Record<string, unknown>): void {
	for (const key of Object.keys(change)) {
		if (!(LIVE_KEYS as readonly string[]).includes(key)) {
			throw new Error(`Unknown config key "${key}"; allowed: ${LIVE_KEYS.join(', ')}`);
		}
	}
	const next = structuredClone(config);
	const { rateLimits, ...rest } = change as PartialLiveV1Config;
	Object.assign(next, rest);
	if (rateLimits) next.rateLimits = mergeRateLimits(next.rateLimits, rateLimits);
	validate(next);
	Object.assign(config, next);
}

function validate(config: LiveV1Config): void {
	const nonNegative = (name: string, value: unknown) => {
		if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
			throw new Error(`${name} must be a non-negative number`);
		}
	};
	nonNegative('timeFactor', config.timeFactor);
	if (typeof config.clockOffsetSeconds !== 'number' || !Number.isFinite(config.clockOffsetSeconds))
		throw new Error('clockOffsetSeconds must be a number');
	if (typeof config.paywall !== 'boolean') throw new Error('paywall must be true or false');
	for (const rateClass of ['execute', 'read'] as const) {
		nonNegative(`rateLimits.${rateClass}.perMinute`, config.rateLimits[rateClass].perMinute);
		nonNegative(`rateLimits.${rateClass}.perHour`, config.rateLimits[rateClass].perHour);
	}
	if (!config.apiPrefix.startsWith('/')) throw new Error('apiPrefix must start with "/"');
	config.apiPrefix = config.apiPrefix.replace(/\/+$/, '');
}
