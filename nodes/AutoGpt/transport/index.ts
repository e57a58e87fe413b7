// The only way out to the network. Every request of both nodes goes through `platformRequest`:
// it picks the credential, builds the URL, spends the rate budget, retries what is safe to retry
// (an execute only under an idempotency key the platform has shown it stores), maps failures to
// NodeApiError, and parses the answer with a zod schema.
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import type { z } from 'zod';

import {
	describeHttpFailure,
	describeNetworkFailure,
	platformWords,
	redactSecrets,
	withRemedy,
} from './errors';
import {
	deriveIdempotencyKey,
	echoesKey,
	keyedFailureHint,
	NOT_REPEATED_HINT,
} from './idempotency';
import { type ProfileName, resolveConnection, wrongPlatformHint } from './profiles';
import type { BudgetKind } from './rateBudget';
import { RateBudget, readRateLimitHeaders, retryAfterHeaderMs, retryAfterMs } from './rateBudget';
import { describeSchemaMismatch } from './schemas';

export { noContent } from './schemas';

export type PlatformContext =
	| IExecuteFunctions
	| IHookFunctions
	| IWebhookFunctions
	| ILoadOptionsFunctions;

export type CredentialType = 'autoGptOAuth2Api' | 'autoGptApi';

export interface PlatformRequest {
	method: IHttpRequestMethods;
	/** Relative to the External API base, e.g. `/executions/abc`. */
	path: string;
	/** What the request does, for error messages: `Could not get execution abc`. */
	action: string;
	body?: IDataObject;
	itemIndex?: number;
	/** Safe to send again after a 5xx or a network error. Default: true for GET and DELETE. */
	idempotent?: boolean;
	/** What the user can do about a given HTTP status, where the generic advice would mislead. */
	hints?: Record<number, string>;
	/** Which rate budget the request spends; by default `execute` for a path ending in /execute. */
	budget?: BudgetKind;
	/** An execute's own Idempotency-Key; without one, every execute gets the key of its item. */
	idempotencyKey?: string;
}

const RETRY_BACKOFF_MS = [500, 1500, 4000];
const MAX_RATE_LIMIT_RETRIES = 8;
const MAX_RATE_LIMIT_WAIT_MS = 15 * 60 * 1000;
const DEFAULT_TIMEOUT_MS = 30_000;
/** How long an execute waits in all for an earlier try with its key to be handled (409). */
const MAX_IN_FLIGHT_WAIT_MS = 60_000;

const budgets = new Map<string, RateBudget>();

/** External API base URL → whether its last answer to a keyed execute echoed the key (§12). */
const storesKeys = new Map<string, boolean>();

let requestTimeoutMs = DEFAULT_TIMEOUT_MS;

/** Tests only: how long a request may wait for its answer (30 s unless set; undefined restores it). */
export function setRequestTimeoutMs(ms?: number): void {
	requestTimeoutMs = ms ?? DEFAULT_TIMEOUT_MS;
}

function budgetFor(key: string, kind: BudgetKind): RateBudget {
	const id = `${key}|${kind}`;
	let budget = budgets.get(id);
	if (!budget) {
		budget = new RateBudget(kind);
		budgets.set(id, budget);
	}
	return budget;
}

export function credentialTypeOf(context: PlatformContext): CredentialType {
	const authentication = context.getNodeParameter('authentication', 0, 'oAuth2') as string;
	return authentication === 'apiKey' ? 'autoGptApi' : 'autoGptOAuth2Api';
}

/** The credential in use, where it points, and the key of its rate budgets (per credential and API). */
async function connectionOf(context: PlatformContext) {
	const credentialType = credentialTypeOf(context);
	const { profile, apiUrl } = resolveConnection(
		credentialType === 'autoGptOAuth2Api',
		await context.getCredentials(credentialType),
	);
	const credentialId = context.getNode().credentials?.[credentialType]?.id ?? credentialType;
	return {
		credentialType,
		profile,
		apiUrl,
		budgetKey: `${credentialType}:${credentialId}:${apiUrl}`,
	};
}

/** Which platform the node's credential reaches (see ./profiles). */
export async function profileOf(context: PlatformContext): Promise<ProfileName> {
	return (await connectionOf(context)).profile;
}

/** The key of this item of this node run in this n8n execution: the same when n8n runs it again. */
function itemKey(context: PlatformContext, itemIndex = 0): string {
	const execution = context as IExecuteFunctions;
	return deriveIdempotencyKey({
		instanceId: execution.getInstanceId(),
		workflowId: String(execution.getWorkflow().id ?? ''),
		executionId: execution.getExecutionId(),
		nodeId: execution.getNode().id,
		runIndex: Number(execution.getWorkflowDataProxy(itemIndex).$runIndex ?? 0),
		itemIndex,
	});
}

interface Failure {
	status?: number;
	headers?: Record<string, unknown>;
	body?: unknown;
	code?: string;
	message?: string;
}

/** n8n wraps request errors in NodeApiError; the HTTP answer is on its cause. */
function readFailure(error: unknown): Failure {
	const outer = error as {
		cause?: unknown;
		httpCode?: string | null;
		code?: string;
		message?: string;
		response?: unknown;
	};
	const source = (outer.response ? outer : (outer.cause ?? outer)) as {
		response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
		code?: string;
		message?: string;
	};
	const status = source.response?.status ?? (outer.httpCode ? Number(outer.httpCode) : undefined);
	return {
		status: Number.isFinite(status) ? status : undefined,
		headers: source.response?.headers,
		body: source.response?.data,
		code: source.code ?? outer.code,
		message: outer.message ?? source.message,
	};
}

function apiError(
	node: INode,
	request: PlatformRequest,
	text: { message: string; description: string },
	httpCode?: number,
): NodeApiError {
	const message = withRemedy(text.message, text.description);
	const response: JsonObject = { message, description: text.description };
	return new NodeApiError(node, response, {
		message,
		description: text.description,
		httpCode: httpCode === undefined ? undefined : String(httpCode),
		itemIndex: request.itemIndex,
	});
}

async function waitForBudget(budget: RateBudget): Promise<void> {
	for (;;) {
		const delay = budget.delayMs(Date.now());
		if (delay <= 0) break;
		await sleep(delay);
	}
	budget.spend(Date.now());
}

/**
 * The shortest gap between two status checks of one execution when `waiting` executions share
 * the read budget: together they spend it evenly over the window instead of queueing for it.
 * Never longer than until the window resets plus `slackMs`, when a fresh budget comes.
 */
export async function statusCheckFloorMs(
	this: PlatformContext,
	waiting: number,
	slackMs: number,
): Promise<number> {
	const { budgetKey } = await connectionOf(this);
	const budget = budgetFor(budgetKey, 'read');
	const now = Date.now();
	return Math.min(waiting * budget.evenSpacingMs(now), budget.untilResetMs(now) + slackMs);
}

export async function platformRequest<S extends z.ZodTypeAny>(
	this: PlatformContext,
	schema: S,
	request: PlatformRequest,
): Promise<z.infer<S>> {
	const { credentialType, profile, apiUrl, budgetKey } = await connectionOf(this);
	const node = this.getNode();
	const kind: BudgetKind = request.budget ?? (/\/execute$/.test(request.path) ? 'execute' : 'read');
	const budget = budgetFor(budgetKey, kind);
	const key =
		kind === 'execute' ? (request.idempotencyKey ?? itemKey(this, request.itemIndex)) : undefined;
	// An execute may go again only when the platform has shown it would not start a second run.
	const repeatable = () =>
		(request.idempotent ?? (request.method === 'GET' || request.method === 'DELETE')) ||
		(key !== undefined && storesKeys.get(apiUrl) === true);

	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${apiUrl}${request.path}`,
		body: request.body,
		json: true,
		returnFullResponse: true,
		timeout: requestTimeoutMs,
		...(key === undefined ? {} : { headers: { 'Idempotency-Key': key } }),
	};

	let transientRetries = 0;
	let rateLimitRetries = 0;
	let inFlightWaitMs = 0;
	for (;;) {
		await waitForBudget(budget);
		let answer: { body: unknown; headers: Record<string, unknown>; statusCode: number };
		try {
			answer = await this.helpers.httpRequestWithAuthentication.call(
				this,
				credentialType,
				options,
				{
					oauth2: { includeCredentialsOnRefreshOnBody: true },
				},
			);
		} catch (error) {
			const failure = readFailure(error);
			budget.settle(Date.now(), readRateLimitHeaders(failure.headers));
			if (key !== undefined && echoesKey(failure.headers, key)) storesKeys.set(apiUrl, true);

			if (failure.status === 429 && rateLimitRetries < MAX_RATE_LIMIT_RETRIES) {
				const waitMs = retryAfterMs(failure.headers, Date.now()) ?? 1000 * 2 ** rateLimitRetries;
				if (waitMs <= MAX_RATE_LIMIT_WAIT_MS) {
					rateLimitRetries++;
					budget.block(Date.now() + waitMs);
					continue;
				}
			}

			// 409: an earlier try with this key is still being handled; its answer will be ours.
			if (failure.status === 409 && key !== undefined && repeatable()) {
				const waitMs = Math.max(retryAfterHeaderMs(failure.headers, Date.now()) ?? 1000, 100);
				if (inFlightWaitMs + waitMs <= MAX_IN_FLIGHT_WAIT_MS) {
					inFlightWaitMs += waitMs;
					await sleep(waitMs);
					continue;
				}
			}

			if (failure.status === undefined) {
				const networkFailure = describeNetworkFailure(failure.code, failure.message);
				if (!networkFailure) throw credentialError(node, request, failure, credentialType);
				if (repeatable() && transientRetries < RETRY_BACKOFF_MS.length) {
					await sleep(RETRY_BACKOFF_MS[transientRetries++]);
					continue;
				}
				throw networkError(node, request, networkFailure, repeatable(), key);
			}

			if (failure.status >= 500 && repeatable() && transientRetries < RETRY_BACKOFF_MS.length) {
				await sleep(RETRY_BACKOFF_MS[transientRetries++]);
				continue;
			}

			const text = describeHttpFailure(
				request.action,
				failure as { status: number; body?: unknown },
			);
			const hint =
				wrongPlatformHint(
					profile,
					credentialType === 'autoGptOAuth2Api',
					failure.status,
					platformWords(failure.body),
				) ?? request.hints?.[failure.status];
			if (hint) text.description = hint;
			const keyHint =
				key === undefined
					? undefined
					: keyedFailureHint(failure.status, platformWords(failure.body), key, repeatable());
			if (keyHint) text.description = keyHint;
			else if (failure.status >= 500 && !repeatable()) {
				text.description = `${text.description} ${NOT_REPEATED_HINT}`;
			}
			throw apiError(node, request, text, failure.status);
		}

		budget.settle(Date.now(), readRateLimitHeaders(answer.headers));
		// A platform that stopped echoing no longer counts as storing keys.
		if (key !== undefined) storesKeys.set(apiUrl, echoesKey(answer.headers, key));
		const parsed = schema.safeParse(answer.statusCode === 204 ? undefined : answer.body);
		if (!parsed.success) {
			throw apiError(
				node,
				request,
				{
					message: `${request.action}: AutoGPT answered ${answer.statusCode} with an unexpected body (${describeSchemaMismatch(parsed.error)})`,
					description:
						'The answer does not have the shape this node expects. Check that the External API URL of the credential points at the AutoGPT External API.',
				},
				answer.statusCode,
			);
		}
		return parsed.data as z.infer<S>;
	}
}

function networkError(
	node: INode,
	request: PlatformRequest,
	networkFailure: string,
	repeated: boolean,
	key: string | undefined,
): NodeApiError {
	const message = `${request.action}: no answer from AutoGPT (${networkFailure})`;
	const description =
		(key === undefined ? undefined : keyedFailureHint(undefined, undefined, key, repeated)) ??
		(repeated
			? 'The platform could not be reached after several tries. Check the External API URL of the credential and that the platform is up.'
			: NOT_REPEATED_HINT);
	return apiError(node, request, { message, description });
}

/** A failure before any request went out: most often the credential could not be used. */
function credentialError(
	node: INode,
	request: PlatformRequest,
	failure: Failure,
	credentialType: CredentialType,
): NodeApiError {
	if (credentialType === 'autoGptOAuth2Api') {
		return apiError(node, request, {
			message: `${request.action}: the AutoGPT OAuth2 connection is no longer valid`,
			description:
				'n8n could not renew the access token (the platform refused the refresh token, or the credential was never connected). Open the AutoGPT OAuth2 credential and reconnect it.',
		});
	}
	return apiError(node, request, {
		message: `${request.action}: ${redactSecrets(failure.message ?? 'the request could not be sent')}`,
		description: 'Check the AutoGPT credential of this node.',
	});
}
