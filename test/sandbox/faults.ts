// Injected faults (§11): the next `count` requests whose path matches a regular expression get a
// chosen status and body, a delay, a dropped or reset connection or malformed JSON; before their
// route runs, or after it (`afterRoute`: the agent run has started, then its answer is delayed,
// lost or replaced). A rule with `delivery: true` acts on the sandbox's outgoing deliveries instead
// (their URL's path, and the event when `event` is given): `drop` loses the delivery (no attempt, no
// retry), `status` stands for the receiver's answer (a non-2xx is retried as usual).
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { adminBody, detail, type Router, sendEmpty, sendJson } from './http';
import type { FaultRule } from './state';

export interface FaultRequest {
	method?: string;
	path: string;
	count?: number;
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	delayMs?: number;
	drop?: boolean;
	reset?: boolean;
	malformed?: boolean;
	delivery?: boolean;
	event?: string;
	afterRoute?: boolean;
}

/** Checks a `POST /_sandbox/faults` body; throws the 400 answer. */
export function parseFault(body: unknown): FaultRule {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		throw detail(
			400,
			'A fault is a JSON object: {method?, path, count, status?, body?, delayMs?, drop?, reset?, malformed?, afterRoute?, delivery?, event?}',
		);
	}
	const request = body as FaultRequest;
	if (typeof request.path !== 'string' || request.path === '')
		throw detail(400, 'path (a regular expression) is required');
	let path: RegExp;
	try {
		path = new RegExp(request.path);
	} catch (error) {
		throw detail(400, `path is not a valid regular expression: ${(error as Error).message}`);
	}
	const count = request.count ?? 1;
	if (!Number.isInteger(count) || count < 1) throw detail(400, 'count must be a positive integer');
	if (
		request.status !== undefined &&
		(!Number.isInteger(request.status) || request.status < 100 || request.status > 599)
	) {
		throw detail(400, 'status must be an HTTP status code');
	}
	const delayMs = request.delayMs ?? 0;
	if (typeof delayMs !== 'number' || delayMs < 0)
		throw detail(400, 'delayMs must be a non-negative number');
	const delivery = request.delivery === true;
	if (delivery && !request.drop && request.status === undefined) {
		throw detail(400, 'a delivery fault needs drop: true or a status');
	}
	if (request.event !== undefined && (!delivery || typeof request.event !== 'string')) {
		throw detail(400, 'event (a string) belongs to a delivery fault');
	}
	return {
		id: randomUUID(),
		method: request.method ? request.method.toUpperCase() : null,
		path,
		source: request.path,
		remaining: count,
		status: request.status ?? null,
		body: request.body,
		headers: request.headers ?? {},
		delayMs,
		drop: request.drop === true,
		malformed: request.malformed === true,
		delivery,
		event: request.event ?? null,
		reset: request.reset === true,
		afterRoute: request.afterRoute === true,
	};
}

/** The first request rule that matches takes one of its uses. */
export function takeFault(faults: FaultRule[], method: string, path: string): FaultRule | null {
	return take(
		faults,
		(rule) =>
			!rule.delivery && (rule.method === null || rule.method === method) && rule.path.test(path),
	);
}

/** The first delivery rule that matches an outgoing delivery takes one of its uses. */
export function takeDeliveryFault(
	faults: FaultRule[],
	urlPath: string,
	event: string,
): FaultRule | null {
	return take(
		faults,
		(rule) =>
			rule.delivery && (rule.event === null || rule.event === event) && rule.path.test(urlPath),
	);
}

function take(faults: FaultRule[], matches: (rule: FaultRule) => boolean): FaultRule | null {
	const index = faults.findIndex(matches);
	if (index < 0) return null;
	const rule = faults[index];
	rule.remaining--;
	if (rule.remaining <= 0) faults.splice(index, 1);
	return rule;
}

/**
 * Plays a fault. Returns true when it answered (or dropped) the request, false when it only
 * delayed it and the request goes on to its handler.
 */
export async function playFault(
	rule: FaultRule,
	request: IncomingMessage,
	response: ServerResponse,
): Promise<boolean> {
	if (rule.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
	if (rule.reset) {
		request.socket.resetAndDestroy();
		return true;
	}
	if (rule.drop) {
		request.socket.destroy();
		return true;
	}
	if (rule.malformed) {
		const text = '{"detail": "this answer breaks off';
		response.writeHead(rule.status ?? 200, {
			...rule.headers,
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(text),
		});
		response.end(text);
		return true;
	}
	if (rule.status === null && rule.body === undefined) return false;

	const status = rule.status ?? 200;
	let text: string;
	let type = 'application/json';
	if (rule.body === undefined) text = JSON.stringify({ detail: `Injected fault (HTTP ${status})` });
	else if (typeof rule.body === 'string') {
		text = rule.body;
		if (!isJson(text)) type = 'text/plain; charset=utf-8';
	} else text = JSON.stringify(rule.body);
	const headers: Record<string, string | number> = { 'content-type': type, ...rule.headers };
	// A 429 without Retry-After would leave a client guessing; one second keeps tests quick.
	if (
		status === 429 &&
		!Object.keys(headers).some((name) => name.toLowerCase() === 'retry-after')
	) {
		headers['retry-after'] = '1';
	}
	headers['content-length'] = Buffer.byteLength(text);
	response.writeHead(status, headers);
	response.end(text);
	return true;
}

/** An answer the route wrote, kept back until an `afterRoute` fault has played. */
export interface HeldAnswer {
	/** Plays the fault on the held answer: delays it, then drops it, replaces it or lets it out. */
	play(): Promise<void>;
}

/**
 * Holds what the route writes on `response` (its status, headers and body) so that `rule` can
 * play on it once the route has done its work.
 */
export function holdAnswer(
	rule: FaultRule,
	request: IncomingMessage,
	response: ServerResponse,
): HeldAnswer {
	const writeHead = response.writeHead.bind(response);
	const end = response.end.bind(response);
	let held: { status: number; headers: unknown; body: unknown } | undefined;
	response.writeHead = ((status: number, headers?: unknown) => {
		held = { status, headers, body: undefined };
		return response;
	}) as typeof response.writeHead;
	response.end = ((body?: unknown) => {
		if (held) held.body = body;
		return response;
	}) as typeof response.end;
	return {
		play: async () => {
			response.writeHead = writeHead;
			response.end = end;
			const replaced =
				rule.reset ||
				rule.drop ||
				rule.malformed ||
				rule.status !== null ||
				rule.body !== undefined;
			if (replaced) {
				// A gateway's answer: nothing of the route's headers (rate limits, key echo) goes out.
				for (const name of response.getHeaderNames()) response.removeHeader(name);
				await playFault(rule, request, response);
				return;
			}
			if (rule.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
			if (!held || request.socket.destroyed) return;
			writeHead(held.status, held.headers as Record<string, string>);
			end(held.body as Buffer);
		},
	};
}

function isJson(text: string): boolean {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}

/** `GET|POST|DELETE /_sandbox/faults`, as both sandbox profiles serve them. */
export function faultRoutes(router: Router, faults: FaultRule[]): void {
	router
		.add('GET', '/_sandbox/faults', (_request, response) =>
			sendJson(
				response,
				200,
				faults.map((rule) => ({
					id: rule.id,
					method: rule.method,
					path: rule.source,
					remaining: rule.remaining,
					status: rule.status,
					body: rule.body,
					headers: rule.headers,
					delayMs: rule.delayMs,
					drop: rule.drop,
					reset: rule.reset,
					malformed: rule.malformed,
					delivery: rule.delivery,
					event: rule.event,
					afterRoute: rule.afterRoute,
				})),
			),
		)
		.add('POST', '/_sandbox/faults', (request, response) => {
			const rule = parseFault(adminBody(request));
			faults.push(rule);
			sendJson(response, 201, { id: rule.id, path: rule.source, remaining: rule.remaining });
		})
		.add('DELETE', '/_sandbox/faults', (_request, response) => {
			faults.length = 0;
			sendEmpty(response, 204);
		});
}
