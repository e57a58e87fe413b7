// Small HTTP helpers: reading bodies, writing FastAPI-shaped answers, a tiny router.
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { parsePythonJson, pythonJsonDumps } from './canonical';

const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** An answer decided early; the server writes it. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
		readonly headers: Record<string, string> = {},
	) {
		super(typeof body === 'string' ? body : JSON.stringify(body));
	}
}

/** FastAPI's `{"detail": …}`. */
export const detail = (status: number, text: unknown, headers?: Record<string, string>) =>
	new HttpError(status, { detail: text }, headers);

export interface ValidationIssue {
	loc: Array<string | number>;
	msg: string;
	type: string;
}

/** FastAPI's 422 `{"detail":[{loc, msg, type}]}`. */
export const validationError = (issues: ValidationIssue[]) =>
	new HttpError(422, { detail: issues });

export interface SandboxRequest {
	raw: IncomingMessage;
	method: string;
	path: string;
	query: URLSearchParams;
	params: Record<string, string>;
	body: Buffer;
	headers: IncomingMessage['headers'];
	/** Run once the answer has gone out (or was dropped by a fault): after any delay a fault adds. */
	afterAnswer: Array<() => void>;
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES) throw detail(413, 'Request body too large');
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

export function contentType(request: SandboxRequest): string {
	return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * A JSON body, read the way Python would (floats stay floats). Answers FastAPI's 422 on bad JSON
 * and on a missing body.
 */
export function jsonBody(request: SandboxRequest): unknown {
	const text = request.body.toString('utf8');
	if (text.trim() === '')
		throw validationError([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
	try {
		return parsePythonJson(text);
	} catch (error) {
		const position = Number(/position (\d+)/.exec(String(error))?.[1] ?? 0);
		throw validationError([
			{ loc: ['body', position], msg: 'JSON decode error', type: 'json_invalid' },
		]);
	}
}

/** An admin (`/_sandbox/`) request's body: a JSON object, or {} when empty; otherwise a 400. */
export function adminBody(request: SandboxRequest): Record<string, unknown> {
	const text = request.body.toString('utf8').trim();
	if (text === '') return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw detail(400, 'The body is not valid JSON');
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw detail(400, 'The body must be a JSON object');
	}
	return parsed as Record<string, unknown>;
}

/** A form-encoded or JSON body as flat string fields (the OAuth endpoints take both). */
export function formOrJsonFields(request: SandboxRequest): Record<string, string> {
	const text = request.body.toString('utf8');
	const type = contentType(request);
	if (type === 'application/json' || (type === '' && text.trim().startsWith('{'))) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch {
			return {};
		}
		const fields: Record<string, string> = {};
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
			for (const [key, value] of Object.entries(parsed)) {
				if (value !== null && value !== undefined) fields[key] = String(value);
			}
		}
		return fields;
	}
	return Object.fromEntries(new URLSearchParams(text));
}

/** FastAPI writes answers compact and UTF-8, floats as Python prints them. */
export function sendJson(
	response: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	const text = pythonJsonDumps(body, { compact: true, ensureAscii: false });
	response.writeHead(status, {
		...headers,
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
	});
	response.end(text);
}

export function sendHtml(
	response: ServerResponse,
	status: number,
	html: string,
	headers: Record<string, string> = {},
): void {
	response.writeHead(status, {
		...headers,
		'content-type': 'text/html; charset=utf-8',
		'content-length': Buffer.byteLength(html),
	});
	response.end(html);
}

export function sendEmpty(
	response: ServerResponse,
	status: number,
	headers: Record<string, string> = {},
) {
	response.writeHead(status, headers);
	response.end();
}

export function redirect(
	response: ServerResponse,
	location: string,
	headers: Record<string, string> = {},
) {
	response.writeHead(302, { ...headers, location, 'content-length': 0 });
	response.end();
}

export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

/** A plain page in the platform's look: a title and a few lines. */
export function page(title: string, body: string): string {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} · AutoGPT Platform (sandbox)</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; color: #1f2937; }
h1 { font-size: 1.4rem; }
ul { padding-left: 1.2rem; }
button { font-size: 1rem; padding: 0.5rem 1.5rem; margin-right: 0.5rem; cursor: pointer; }
#approve, #connect { background: #4f46e5; color: white; border: none; border-radius: 4px; }
#deny, #cancel { background: white; border: 1px solid #9ca3af; border-radius: 4px; }
.error { color: #b91c1c; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

export type Handler = (request: SandboxRequest, response: ServerResponse) => void | Promise<void>;

interface Route {
	method: string;
	pattern: RegExp;
	names: string[];
	handler: Handler;
}

/** Routes written as `/executions/:executionId`; a parameter matches one path segment. */
export class Router {
	private readonly routes: Route[] = [];

	add(method: string, template: string, handler: Handler): this {
		const names: string[] = [];
		const source = template
			.split('/')
			.map((segment) => {
				if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
				names.push(segment.slice(1));
				return '([^/]+)';
			})
			.join('/');
		this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
		return this;
	}

	/** The handler for a request, or why there is none: 404, 405, or FastAPI's 307 slash redirect. */
	match(
		method: string,
		path: string,
	):
		| { handler: Handler; params: Record<string, string> }
		| { status: 404 | 405 }
		| { redirectTo: string } {
		const found = this.find(method, path);
		if (found) return found;
		if (this.routes.some((route) => route.pattern.test(path))) return { status: 405 };
		const toggled = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
		if (toggled !== '' && this.find(method, toggled)) return { redirectTo: toggled };
		return { status: 404 };
	}

	private find(method: string, path: string) {
		for (const route of this.routes) {
			if (route.method !== method) continue;
			const match = route.pattern.exec(path);
			if (!match) continue;
			const params: Record<string, string> = {};
			route.names.forEach((name, index) => {
				params[name] = decodeURIComponent(match[index + 1]);
			});
			return { handler: route.handler, params };
		}
		return undefined;
	}
}

/** Listens on `host` (127.0.0.1 unless told otherwise) and `port` (0: a free one); the base URL. */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<string> {
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port: bound } = server.address() as AddressInfo;
	return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}
