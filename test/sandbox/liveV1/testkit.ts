// Helpers for tests against the live-v1 sandbox: a quick one, and its admin API over HTTP.
import { call, type Answer } from '../testkit';
import type { PartialLiveV1Config } from './config';
import { type LiveV1Sandbox, startLiveV1Sandbox } from './server';

/** A live-v1 sandbox whose fixture durations are a tenth of the real ones. */
export function startTestLiveV1Sandbox(config: PartialLiveV1Config = {}): Promise<LiveV1Sandbox> {
	return startLiveV1Sandbox({ port: 0, config: { timeFactor: 0.1, ...config } });
}

export const liveAdmin = (
	sandbox: LiveV1Sandbox,
	method: string,
	path: string,
	body?: unknown,
): Promise<Answer> =>
	call(`${sandbox.url}/_sandbox/${path}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});

/** An API key of the sandbox's user with only these permissions. */
export async function mintApiKey(sandbox: LiveV1Sandbox, permissions: string[]): Promise<string> {
	const answer = await liveAdmin(sandbox, 'POST', 'api-keys', { permissions });
	if (answer.status !== 201)
		throw new Error(`minting a key failed: ${answer.status} ${answer.text}`);
	return answer.json.apiKey as string;
}

/** `X-API-Key` request to the sandbox's External API (`path` starts with /v1). */
export const v1 = (
	sandbox: LiveV1Sandbox,
	path: string,
	init: { method?: string; body?: unknown; apiKey?: string | null } = {},
): Promise<Answer> =>
	call(`${sandbox.apiUrl}${path}`, {
		method: init.method ?? 'GET',
		headers: {
			...(init.apiKey === null ? {} : { 'x-api-key': init.apiKey ?? sandbox.info.apiKey }),
			...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
