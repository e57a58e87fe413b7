// What every route module shares: the live configuration, the state, the clock and the services.
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import type { ServerResponse } from 'node:http';

import type { Clock } from './clock';
import type { SandboxConfig } from './config';
import type { DeliveryService } from './deliveries';
import type { ExecutionRunner } from './executions';
import type { RateLimiter } from './rateLimit';
import type { ExecutionStatus, SandboxState } from './state';

export interface SandboxContext {
	/** The configuration in force; `POST /_sandbox/config` changes it in place. */
	readonly config: SandboxConfig;
	readonly state: SandboxState;
	readonly clock: Clock;
	readonly rateLimiter: RateLimiter;
	readonly deliveries: DeliveryService;
	readonly executions: ExecutionRunner;
	/** `http://127.0.0.1:<port>`, known once the server listens. */
	baseUrl: string;
}

/** §11: `statusCase` applies wherever the sandbox writes a status from the platform enum. */
export function formatStatus(context: SandboxContext, status: ExecutionStatus): string {
	return context.config.statusCase === 'lower' ? status.toLowerCase() : status;
}

/** A timestamp field: Python isoformat, or null. */
export function isoOrNull(context: SandboxContext, ms: number | null): string | null {
	return ms === null ? null : context.clock.iso(ms);
}

export function setHeaders(response: ServerResponse, headers: Record<string, string>): void {
	for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
}
