// Outgoing webhook deliveries (contract §6): the body Python would write, the signature in the
// configured mode, the headers, and the retries after 5 s, 30 s and 300 s (times timeFactor).
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

import { canonicalJson, signatureHeader, wireJson } from './canonical';
import type { Clock } from './clock';
import type { SandboxConfig, SignatureMode } from './config';
import { takeDeliveryFault } from './faults';
import type { DeliveryAttempt, SandboxState } from './state';

/** How much of a receiver's answer an attempt records. */
const ANSWER_CHARS = 200;

type Outcome = Pick<DeliveryAttempt, 'status' | 'answer' | 'error'>;

export const WEBHOOK_EVENTS = [
	'execution.started',
	'execution.completed',
	'execution.failed',
	'grant.revoked',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface DeliveryTarget {
	url: string;
	/** No secret: the delivery goes out unsigned. */
	secret: string | null;
	subscriptionId?: string | null;
	executionId?: string | null;
	/** Overrides the configured signature mode for this delivery. */
	signatureMode?: SignatureMode;
}

/** Test-only twists (admin `POST deliver`): stale or skewed timestamps, no retries. */
export interface DeliveryOptions {
	/** The body's (signed) `timestamp`, instead of now. */
	timestamp?: string;
	/** The `X-Webhook-Timestamp` header, instead of now at each attempt. */
	headerTimestamp?: string;
	/** false: one attempt only. */
	retries?: boolean;
}

export interface Delivery {
	deliveryId: string;
	target: DeliveryTarget;
	event: string;
	payload: { event: string; timestamp: string; data: unknown };
	body: string;
	signatureMode: SignatureMode | null;
	signature: string | null;
	options: DeliveryOptions;
	attempts: number;
}

export class DeliveryService {
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly inFlight = new Set<http.ClientRequest>();
	private readonly settledWaiters = new Set<() => void>();
	private readonly sent = new Map<string, Delivery>();
	/** Bumped by reset, so answers that arrive afterwards are not recorded. */
	private generation = 0;
	private pending = 0;

	constructor(
		private readonly state: SandboxState,
		private readonly config: SandboxConfig,
		private readonly clock: Clock,
	) {}

	/** Builds the payload once, so every attempt and every retry sends the same signed bytes. */
	send(
		event: string,
		data: unknown,
		target: DeliveryTarget,
		options: DeliveryOptions = {},
	): Delivery {
		const payload = { event, timestamp: options.timestamp ?? this.clock.iso(), data };
		const body = wireJson(payload);
		const signatureMode = target.secret
			? (target.signatureMode ?? this.config.signatureMode)
			: null;
		const signature =
			target.secret && signatureMode
				? signatureHeader(target.secret, signatureMode === 'raw' ? body : canonicalJson(payload))
				: null;
		const delivery: Delivery = {
			deliveryId: randomUUID(),
			target,
			event,
			payload,
			body,
			signatureMode,
			signature,
			options,
			attempts: 0,
		};
		this.sent.set(delivery.deliveryId, delivery);
		this.attempt(delivery, this.generation, options.retries !== false);
		return delivery;
	}

	/** Sends the very same signed bytes once more, as a replaying attacker would. */
	resend(deliveryId: string): Delivery | undefined {
		const delivery = this.sent.get(deliveryId);
		if (delivery) this.attempt(delivery, this.generation, false);
		return delivery;
	}

	/** Resolves once no attempt is under way and no retry is waiting. */
	whenSettled(): Promise<void> {
		if (this.pending === 0) return Promise.resolve();
		return new Promise((resolve) => this.settledWaiters.add(resolve));
	}

	/** Forgets retries and abandons attempts under way (reset and stop). */
	cancelAll(): void {
		this.generation++;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const request of this.inFlight) request.destroy();
		this.inFlight.clear();
		this.sent.clear();
		this.pending = 0;
		this.notifySettled();
	}

	private attempt(delivery: Delivery, generation: number, retry: boolean): void {
		this.pending++;
		const attempt = ++delivery.attempts;
		const headers: Record<string, string> = {
			'Content-Type': 'application/json',
			'User-Agent': 'AutoGPT-Webhook/1.0',
			'X-Webhook-Timestamp': delivery.options.headerTimestamp ?? this.clock.iso(),
		};
		if (delivery.signature) headers['X-Webhook-Signature'] = delivery.signature;

		const fault = takeDeliveryFault(
			this.state.faults,
			urlPath(delivery.target.url),
			delivery.event,
		);
		if (fault?.drop) retry = false;
		const sent: Promise<Outcome> = fault
			? Promise.resolve(
					fault.drop
						? { status: null, answer: null, error: 'lost on the way (fault rule)' }
						: { status: fault.status, answer: null, error: null },
				)
			: this.post(delivery.target.url, headers, delivery.body);
		sent.then((outcome) => {
			if (generation !== this.generation) return;
			const record: DeliveryAttempt = {
				deliveryId: delivery.deliveryId,
				url: delivery.target.url,
				event: delivery.event,
				attempt,
				status: outcome.status,
				answer: outcome.answer,
				error: outcome.error,
				signatureMode: delivery.signatureMode,
				signature: delivery.signature,
				headers,
				body: delivery.body,
				subscriptionId: delivery.target.subscriptionId ?? null,
				executionId: delivery.target.executionId ?? null,
				at: this.clock.nowMs(),
			};
			this.state.deliveries.push(record);

			const succeeded = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
			const retryDelay = this.config.retryDelaysSeconds[attempt - 1];
			if (!succeeded && retry && retryDelay !== undefined) {
				const timer = setTimeout(
					() => {
						this.timers.delete(timer);
						this.pending--;
						this.attempt(delivery, generation, true);
					},
					retryDelay * 1000 * this.config.timeFactor,
				);
				this.timers.add(timer);
				return;
			}
			this.pending--;
			this.notifySettled();
		});
	}

	private post(url: string, headers: Record<string, string>, body: string): Promise<Outcome> {
		return new Promise((resolve) => {
			let target: URL;
			try {
				target = new URL(url);
			} catch {
				resolve({ status: null, answer: null, error: 'invalid URL' });
				return;
			}
			const transport = target.protocol === 'https:' ? https : http;
			const timeoutMs = this.config.deliveryTimeoutSeconds * 1000 * this.config.timeFactor;
			let settled = false;
			let answer: string | null = null;
			const finish = (status: number | null, error: string | null) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				this.inFlight.delete(request);
				resolve({ status, answer, error });
			};
			const request = transport.request(
				target,
				{
					method: 'POST',
					agent: false,
					headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
				},
				(response) => {
					response.setEncoding('utf8');
					response.on('data', (chunk: string) => {
						if ((answer ?? '').length < ANSWER_CHARS)
							answer = ((answer ?? '') + chunk).slice(0, ANSWER_CHARS);
					});
					response.on('end', () => finish(response.statusCode ?? null, null));
					response.on('error', (error) => finish(response.statusCode ?? null, error.message));
				},
			);
			const timer = setTimeout(() => {
				finish(null, `no answer within ${timeoutMs} ms`);
				request.destroy();
			}, timeoutMs);
			this.inFlight.add(request);
			request.on('error', (error) => finish(null, error.message));
			request.end(body);
		});
	}

	private notifySettled(): void {
		if (this.pending !== 0) return;
		for (const resolve of this.settledWaiters) resolve();
		this.settledWaiters.clear();
	}
}

function urlPath(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return url;
	}
}
