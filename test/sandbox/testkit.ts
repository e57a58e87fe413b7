// Helpers for the sandbox's conformance tests: raw HTTP, PKCE, a token through the real OAuth
// flow, and a local webhook receiver. Everything asserts on the wire, not on sandbox internals.
/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { PartialConfig } from './config';
import { type Sandbox, startSandbox } from './server';

/** A sandbox whose fixture durations and retry delays are a tenth of the real ones. */
export function startTestSandbox(config: PartialConfig = {}): Promise<Sandbox> {
	return startSandbox({ port: 0, config: { timeFactor: 0.1, ...config } });
}

export interface Answer {
	status: number;
	headers: Headers;
	text: string;
	// Tests read answers field by field; a type per endpoint would only restate the contract.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

/** One raw HTTP exchange; redirects are never followed. */
export async function call(
	url: string,
	init: { method?: string; headers?: Record<string, string>; body?: string | URLSearchParams } = {},
): Promise<Answer> {
	const response = await fetch(url, { redirect: 'manual', ...init });
	const text = await response.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
	call(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});

export const postForm = (
	url: string,
	fields: Record<string, string>,
	headers: Record<string, string> = {},
) =>
	call(url, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
		body: new URLSearchParams(fields).toString(),
	});

/** The admin API. */
export const admin = (sandbox: Sandbox, method: string, path: string, body?: unknown) =>
	call(`${sandbox.url}/_sandbox/${path}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});

/** A fault on the next execute that plays after its route has started the agent run (§11). */
export const faultAfterTheRunStarted = (sandbox: Sandbox, rule: Record<string, unknown>) =>
	admin(sandbox, 'POST', 'faults', {
		method: 'POST',
		path: '/execute$',
		count: 1,
		afterRoute: true,
		...rule,
	});

export function pkce() {
	const verifier = randomBytes(32).toString('base64url');
	const challenge = createHash('sha256').update(verifier).digest('base64url');
	return { verifier, challenge };
}

export const REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback';

export function authorizeUrl(
	sandbox: Sandbox,
	overrides: Record<string, string | null> = {},
	challenge = pkce().challenge,
) {
	const params: Record<string, string | null> = {
		response_type: 'code',
		client_id: sandbox.info.clientId,
		redirect_uri: REDIRECT_URI,
		state: 'state-123',
		code_challenge: challenge,
		code_challenge_method: 'S256',
		scope:
			'openid profile email agents:execute integrations:list integrations:connect integrations:delete',
		...overrides,
	};
	const query = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) if (value !== null) query.set(key, value);
	return `${sandbox.url}/oauth/authorize?${query}`;
}

/** Approve on the consent page (manual mode) and return the code from the redirect. */
export async function approveAndGetCode(sandbox: Sandbox, url: string): Promise<string> {
	const consentPage = await call(url);
	const consentToken = /name="consent_token" value="([^"]+)"/.exec(consentPage.text)?.[1];
	if (!consentToken)
		throw new Error(`no consent form: ${consentPage.status} ${consentPage.text.slice(0, 200)}`);
	const approved = await postForm(`${sandbox.url}/oauth/authorize/consent`, {
		consent_token: consentToken,
		authorize: 'true',
	});
	const location = new URL(approved.headers.get('location')!);
	return location.searchParams.get('code')!;
}

export interface TokenSet {
	access_token: string;
	refresh_token: string;
	expires_in: number;
	scope: string;
	token_type: string;
	id_token?: string;
}

/** A token through the whole flow: authorize, approve, exchange with PKCE. */
export async function getTokens(sandbox: Sandbox, scope?: string): Promise<TokenSet> {
	const { verifier, challenge } = pkce();
	const code = await approveAndGetCode(
		sandbox,
		authorizeUrl(sandbox, scope === undefined ? {} : { scope }, challenge),
	);
	const answer = await postForm(`${sandbox.url}/oauth/token`, {
		grant_type: 'authorization_code',
		code,
		redirect_uri: REDIRECT_URI,
		client_id: sandbox.info.clientId,
		client_secret: sandbox.info.clientSecret,
		code_verifier: verifier,
	});
	if (answer.status !== 200)
		throw new Error(`token exchange failed: ${answer.status} ${answer.text}`);
	return answer.json as TokenSet;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function waitUntil<T>(
	probe: () => Promise<T | undefined | false> | T | undefined | false,
	timeoutMs = 60_000,
	everyMs = 20,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}

export interface ReceivedDelivery {
	headers: IncomingHttpHeaders;
	body: string;
	at: number;
}

export interface Receiver {
	url: string;
	received: ReceivedDelivery[];
	/** Statuses to answer in turn; after the list runs out, 200. `null` means never answer. */
	answers: Array<number | null>;
	close(): Promise<void>;
}

export async function startReceiver(answers: Array<number | null> = []): Promise<Receiver> {
	const received: ReceivedDelivery[] = [];
	const receiver: Receiver = { url: '', received, answers, close: async () => undefined };
	const server: Server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			received.push({
				headers: request.headers,
				body: Buffer.concat(chunks).toString('utf8'),
				at: Date.now(),
			});
			const status = receiver.answers.length > 0 ? receiver.answers.shift()! : 200;
			if (status === null) return; // hang: the sandbox's timeout has to give up
			response.writeHead(status, { 'content-type': 'text/plain' });
			response.end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/autogpt`;
	receiver.close = () =>
		new Promise((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return receiver;
}

export const hmacHex = (secret: string, bytes: string) =>
	`sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;

/** Python itself, as the independent judge of what the platform would write. */
export function python(script: string, input: string): string {
	return execFileSync('python3', ['-c', script], {
		input,
		encoding: 'utf8',
		env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
	});
}

/** `json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))`, by python3. */
export const pythonCanonical = (body: string) =>
	python(
		'import json,sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.read()), sort_keys=True, separators=(",", ":")))',
		body,
	);

/** `json.dumps(json.loads(body))`, by python3: the wire form. */
export const pythonWire = (body: string) =>
	python('import json,sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.read())))', body);

/** Python's `datetime.isoformat()` of an aware UTC time. */
export const PYTHON_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;
