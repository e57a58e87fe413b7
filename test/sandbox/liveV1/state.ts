// What the live-v1 sandbox remembers. `load()` empties it in place, so a test holding one of these
// maps keeps seeing the live state.
/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import type { ExecutionStatus, FaultRule, RequestRecord } from '../state';
import {
	type IntegrationCredentialFixture,
	type LiveV1Config,
	type Permission,
	PERMISSIONS,
} from './config';

export type { ExecutionStatus };

export interface ApiKey {
	key: string;
	userId: string;
	permissions: Permission[];
}

/** One block run inside a graph execution, as the results endpoint lists it. */
export interface NodeExecution {
	node_id: string;
	input: unknown;
	output: Record<string, unknown[]>;
}

export interface GraphExecution {
	id: string;
	graphId: string;
	graphVersion: number;
	graphName: string;
	userId: string;
	status: ExecutionStatus;
	inputs: Record<string, unknown>;
	nodes: NodeExecution[];
	/** Output name → values, filled when the run completes. */
	outputs: Record<string, unknown[]>;
	createdAt: number;
	endedAt: number | null;
	timers: NodeJS.Timeout[];
}

/** A request of the log, with the answer it got (for the conformance test). */
export interface LiveRequestRecord extends RequestRecord {
	response?: string;
	contentType?: string;
}

export class LiveV1State {
	readonly apiKeys = new Map<string, ApiKey>();
	readonly executions = new Map<string, GraphExecution>();
	readonly credentials = new Map<string, IntegrationCredentialFixture>();
	readonly requests: LiveRequestRecord[] = [];
	readonly faults: FaultRule[] = [];

	load(config: LiveV1Config): void {
		for (const execution of this.executions.values()) execution.timers.forEach(clearTimeout);
		this.apiKeys.clear();
		this.executions.clear();
		this.credentials.clear();
		this.requests.length = 0;
		this.faults.length = 0;
		this.apiKeys.set(config.user.apiKey, {
			key: config.user.apiKey,
			userId: config.user.id,
			permissions: [...PERMISSIONS],
		});
		for (const credential of config.integrationCredentials) {
			this.credentials.set(credential.id, structuredClone(credential));
		}
	}
}
