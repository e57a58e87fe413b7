// Everything the sandbox remembers, in the platform's words. `reset()` empties it in place, so a
// test holding a reference to one of these maps keeps seeing the live state.
/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import type { ClientConfig, ConsentMode, Permission, SandboxConfig, SignatureMode } from './config';

export type ExecutionStatus =
	| 'QUEUED'
	| 'RUNNING'
	| 'COMPLETED'
	| 'FAILED'
	| 'TERMINATED'
	| 'INCOMPLETE'
	| 'REVIEW';

export const TERMINAL_STATUSES: ExecutionStatus[] = ['COMPLETED', 'FAILED', 'TERMINATED'];

export type OAuthClient = ClientConfig;

export interface User {
	id: string;
	email: string;
	name: string;
	apiKey: string;
	updatedAt: number;
}

/** A user's connected account at a provider; grants point at one. */
export interface Credential {
	id: string;
	userId: string;
	provider: string;
	deletedAt: number | null;
}

export interface Grant {
	id: string;
	clientId: string;
	userId: string;
	credentialId: string;
	provider: string;
	grantedScopes: string[];
	permissions: Permission[];
	createdAt: number;
	updatedAt: number;
	lastUsedAt: number | null;
	expiresAt: number | null;
	revokedAt: number | null;
}

/** An authorize request waiting for the user to press Approve or Deny. */
export interface PendingConsent {
	consentToken: string;
	clientId: string;
	userId: string;
	redirectUri: string;
	state: string;
	scopes: string[];
	codeChallenge: string;
	nonce: string | null;
	expiresAt: number;
}

export interface AuthorizationCode {
	code: string;
	clientId: string;
	userId: string;
	redirectUri: string;
	scopes: string[];
	codeChallenge: string;
	nonce: string | null;
	expiresAt: number;
	usedAt: number | null;
}

export interface Token {
	token: string;
	kind: 'access' | 'refresh';
	clientId: string;
	userId: string;
	scopes: string[];
	createdAt: number;
	expiresAt: number;
	revokedAt: number | null;
	/** The refresh token that replaced this one on rotation. */
	replacedBy: string | null;
	/** For access tokens: the refresh token issued with it. For both: the code they came from. */
	refreshToken: string | null;
	fromCode: string | null;
}

/** A connect page waiting for the user to press Connect. */
export interface PendingConnect {
	connectToken: string;
	clientId: string;
	userId: string;
	provider: string;
	scopes: string[];
	nonce: string;
	redirectOrigin: string;
	expiresAt: number;
}

export interface Execution {
	id: string;
	agentId: string;
	agentName: string;
	userId: string;
	clientId: string | null;
	status: ExecutionStatus;
	inputs: Record<string, unknown>;
	/** What the request said (null when absent); `usedGrantIds` is what it resolved to. */
	grantIds: string[] | null;
	usedGrantIds: string[];
	webhookUrl: string | null;
	createdAt: number;
	startedAt: number | null;
	completedAt: number | null;
	outputs: Record<string, unknown[]> | null;
	error: string | null;
	/** The Idempotency-Key that started it (§12), when one was honoured. */
	idempotencyKey: string | null;
	timers: NodeJS.Timeout[];
}

/** An Idempotency-Key a user sent with an execute (§12), kept 24 hours. */
export interface IdempotencyRecord {
	key: string;
	userId: string;
	agentId: string;
	/** The agent and the body, canonical: a retry must match it exactly. */
	fingerprint: string;
	/** True until the first request's answer has gone out. */
	inFlight: boolean;
	/** The first answer, replayed to every later request with the key. */
	answer: Record<string, unknown> | null;
	createdAt: number;
}

/** A webhook subscription (§7). */
export interface Subscription {
	id: string;
	userId: string;
	clientId: string | null;
	url: string;
	events: string[];
	secret: string;
	createdAt: number;
}

/** One attempt to deliver one event to one URL. */
export interface DeliveryAttempt {
	deliveryId: string;
	url: string;
	event: string;
	attempt: number;
	/** The receiver's HTTP status; null when it timed out or the connection failed. */
	status: number | null;
	/** The first 200 characters of the receiver's answer (what it said, e.g. why it ignored a delivery). */
	answer: string | null;
	error: string | null;
	signatureMode: SignatureMode | null;
	signature: string | null;
	headers: Record<string, string>;
	/** The exact bytes sent. */
	body: string;
	subscriptionId: string | null;
	executionId: string | null;
	at: number;
}

export interface RequestRecord {
	method: string;
	path: string;
	query: string;
	status: number;
	at: number;
	fault: boolean;
	/** The Idempotency-Key header as sent, whether or not the platform honours it. */
	idempotencyKey: string | null;
}

export interface FaultRule {
	id: string;
	method: string | null;
	path: RegExp;
	/** The expression as it was given. */
	source: string;
	remaining: number;
	status: number | null;
	body: unknown;
	headers: Record<string, string>;
	delayMs: number;
	drop: boolean;
	malformed: boolean;
	/** Acts on outgoing deliveries (matched by their URL's path and event), not on requests. */
	delivery: boolean;
	event: string | null;
	/** Close the connection with a TCP reset instead of answering. */
	reset: boolean;
	/** Let the route run first (the agent run starts), then play the fault on its answer. */
	afterRoute: boolean;
}

export class SandboxState {
	consentMode: ConsentMode = 'manual';
	readonly clients = new Map<string, OAuthClient>();
	readonly users = new Map<string, User>();
	readonly credentials = new Map<string, Credential>();
	readonly grants = new Map<string, Grant>();
	readonly consents = new Map<string, PendingConsent>();
	readonly codes = new Map<string, AuthorizationCode>();
	readonly tokens = new Map<string, Token>();
	readonly connects = new Map<string, PendingConnect>();
	readonly executions = new Map<string, Execution>();
	readonly subscriptions = new Map<string, Subscription>();
	readonly deliveries: DeliveryAttempt[] = [];
	readonly requests: RequestRecord[] = [];
	readonly faults: FaultRule[] = [];
	/** By `${userId} ${key}`. */
	readonly idempotencyKeys = new Map<string, IdempotencyRecord>();

	/** Empties everything and loads the starting state of `config`. */
	load(config: SandboxConfig, now: number): void {
		for (const execution of this.executions.values()) execution.timers.forEach(clearTimeout);
		for (const collection of [
			this.clients,
			this.users,
			this.credentials,
			this.grants,
			this.consents,
			this.codes,
			this.tokens,
			this.connects,
			this.executions,
			this.subscriptions,
			this.idempotencyKeys,
		]) {
			collection.clear();
		}
		this.deliveries.length = 0;
		this.requests.length = 0;
		this.faults.length = 0;
		this.consentMode = config.consentMode;

		const { client, user } = config;
		this.clients.set(client.clientId, { ...structuredClone(client) });
		this.users.set(user.id, { ...user, updatedAt: Math.floor(now / 1000) });
		for (const seed of config.grants) {
			if (!this.credentials.has(seed.credentialId)) {
				this.credentials.set(seed.credentialId, {
					id: seed.credentialId,
					userId: user.id,
					provider: seed.provider,
					deletedAt: null,
				});
			}
			this.grants.set(seed.id, {
				id: seed.id,
				clientId: client.clientId,
				userId: user.id,
				credentialId: seed.credentialId,
				provider: seed.provider,
				grantedScopes: [...seed.scopes],
				permissions: [...seed.permissions],
				createdAt: now,
				updatedAt: now,
				lastUsedAt: null,
				expiresAt:
					seed.expiresInSeconds === undefined || seed.expiresInSeconds === null
						? null
						: now + seed.expiresInSeconds * 1000,
				revokedAt: seed.revoked ? now : null,
			});
		}
	}

	/** Valid means neither revoked nor expired. */
	isGrantValid(grant: Grant, now: number): boolean {
		return grant.revokedAt === null && (grant.expiresAt === null || grant.expiresAt > now);
	}
}
