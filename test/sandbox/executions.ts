// Agent executions: queued → running → completed / failed / review on the fixture's schedule
// (scaled by timeFactor), and the events each step sends (§4, §6).
/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import { randomUUID } from 'node:crypto';

import { orderedKeys, orderedRecord, PyFloat, pythonJsonDumps } from './canonical';
import type { Clock } from './clock';
import type { AgentFixture, SandboxConfig } from './config';
import type { DeliveryService, DeliveryTarget } from './deliveries';
import type { Execution, ExecutionStatus, Grant, SandboxState } from './state';

export interface NewExecution {
	agent: AgentFixture;
	userId: string;
	clientId: string | null;
	inputs: Record<string, unknown>;
	grantIds: string[] | null;
	usedGrantIds: string[];
	webhookUrl: string | null;
	idempotencyKey?: string | null;
}

export class ExecutionRunner {
	constructor(
		private readonly state: SandboxState,
		private readonly config: SandboxConfig,
		private readonly clock: Clock,
		private readonly deliveries: DeliveryService,
	) {}

	start(request: NewExecution): Execution {
		const execution: Execution = {
			id: randomUUID(),
			agentId: request.agent.id,
			agentName: request.agent.name,
			userId: request.userId,
			clientId: request.clientId,
			status: 'QUEUED',
			inputs: request.inputs,
			grantIds: request.grantIds,
			usedGrantIds: request.usedGrantIds,
			webhookUrl: request.webhookUrl,
			createdAt: this.clock.nowMs(),
			startedAt: null,
			completedAt: null,
			outputs: null,
			error: null,
			idempotencyKey: request.idempotencyKey ?? null,
			timers: [],
		};
		this.state.executions.set(execution.id, execution);

		const agent = request.agent;
		const queuedMs = agent.queuedSeconds * 1000 * this.config.timeFactor;
		const runMs = this.runSeconds(agent, request.inputs) * 1000 * this.config.timeFactor;
		this.later(execution, queuedMs, () => {
			this.markRunning(execution);
			this.later(execution, runMs, () => this.finish(execution, agent));
		});
		return execution;
	}

	/** §4: only QUEUED or RUNNING can be cancelled. Returns false otherwise. */
	cancel(execution: Execution): boolean {
		if (execution.status !== 'QUEUED' && execution.status !== 'RUNNING') return false;
		execution.timers.forEach(clearTimeout);
		execution.timers = [];
		execution.status = 'TERMINATED';
		execution.completedAt = this.clock.nowMs();
		return true;
	}

	/** A human's answer to an execution waiting in REVIEW (admin API). */
	review(execution: Execution, approve: boolean, agent: AgentFixture | undefined): boolean {
		if (execution.status !== 'REVIEW') return false;
		if (approve) {
			execution.status = 'RUNNING';
			this.complete(execution, agent?.outputs ?? {});
		} else {
			this.fail(execution, 'Review rejected');
		}
		return true;
	}

	/** Forces a status (admin API), sending the event that status would send. */
	force(
		execution: Execution,
		status: ExecutionStatus,
		outputs?: Record<string, unknown[]>,
		error?: string,
	) {
		execution.timers.forEach(clearTimeout);
		execution.timers = [];
		if (status === 'RUNNING') this.markRunning(execution);
		else if (status === 'COMPLETED') this.complete(execution, outputs ?? {});
		else if (status === 'FAILED') this.fail(execution, error ?? 'Agent execution failed');
		else {
			execution.status = status;
			if (status === 'TERMINATED') execution.completedAt = this.clock.nowMs();
		}
	}

	private runSeconds(agent: AgentFixture, inputs: Record<string, unknown>): number {
		if (agent.durationInput && inputs[agent.durationInput] !== undefined) {
			const raw = inputs[agent.durationInput];
			const seconds = Number(raw instanceof PyFloat ? raw.value : raw);
			if (Number.isFinite(seconds) && seconds >= 0) return seconds;
		}
		return agent.runSeconds;
	}

	private later(execution: Execution, delayMs: number, step: () => void): void {
		const timer = setTimeout(() => {
			execution.timers = execution.timers.filter((pending) => pending !== timer);
			step();
		}, delayMs);
		execution.timers.push(timer);
	}

	private markRunning(execution: Execution): void {
		execution.status = 'RUNNING';
		execution.startedAt ??= this.clock.nowMs();
		this.emit(execution, 'execution.started', {
			execution_id: execution.id,
			agent_id: execution.agentId,
			status: 'running',
		});
	}

	private finish(execution: Execution, agent: AgentFixture): void {
		switch (agent.behavior) {
			case 'fail': {
				const fromInput = agent.errorInput ? execution.inputs[agent.errorInput] : undefined;
				const message =
					fromInput === undefined || fromInput === null
						? (agent.error ?? 'Agent execution failed')
						: typeof fromInput === 'string'
							? fromInput
							: pythonJsonDumps(fromInput);
				this.fail(execution, message);
				return;
			}
			case 'review':
				execution.status = 'REVIEW';
				return;
			case 'large':
				this.complete(execution, largeOutputs(agent.outputBytes ?? 5_500_000));
				return;
			case 'fixed':
				this.complete(execution, structuredClone(agent.outputs ?? {}));
				return;
			case 'echo':
			default:
				this.complete(execution, echoOutputs(execution.inputs));
		}
	}

	private complete(execution: Execution, outputs: Record<string, unknown[]>): void {
		execution.status = 'COMPLETED';
		execution.startedAt ??= this.clock.nowMs();
		execution.completedAt = this.clock.nowMs();
		execution.outputs = outputs;
		this.emit(execution, 'execution.completed', {
			execution_id: execution.id,
			agent_id: execution.agentId,
			status: 'completed',
			outputs,
		});
	}

	private fail(execution: Execution, error: string): void {
		execution.status = 'FAILED';
		execution.startedAt ??= this.clock.nowMs();
		execution.completedAt = this.clock.nowMs();
		execution.error = error;
		this.emit(execution, 'execution.failed', {
			execution_id: execution.id,
			agent_id: execution.agentId,
			status: 'failed',
			error,
		});
	}

	/** To the execution's webhook_url (client secret) and to the user's matching subscriptions. */
	private emit(execution: Execution, event: string, data: Record<string, unknown>): void {
		const targets: DeliveryTarget[] = [];
		if (execution.webhookUrl) {
			const client = execution.clientId ? this.state.clients.get(execution.clientId) : undefined;
			targets.push({
				url: execution.webhookUrl,
				secret: client?.webhookSecret ?? null,
				executionId: execution.id,
			});
		}
		for (const subscription of this.state.subscriptions.values()) {
			if (subscription.userId === execution.userId && subscription.events.includes(event)) {
				targets.push({
					url: subscription.url,
					secret: subscription.secret,
					subscriptionId: subscription.id,
					executionId: execution.id,
				});
			}
		}
		for (const target of targets) this.deliveries.send(event, data, target);
	}
}

/** §4 grant.revoked: marks the grant and tells the user's subscriptions. */
export function revokeGrant(
	state: SandboxState,
	deliveries: DeliveryService,
	grant: Grant,
	now: number,
): void {
	grant.revokedAt = now;
	grant.updatedAt = now;
	const data = { grant_id: grant.id, credential_id: grant.credentialId, provider: grant.provider };
	for (const subscription of state.subscriptions.values()) {
		if (subscription.userId === grant.userId && subscription.events.includes('grant.revoked')) {
			deliveries.send('grant.revoked', data, {
				url: subscription.url,
				secret: subscription.secret,
				subscriptionId: subscription.id,
			});
		}
	}
}

/** Each input name → a one-element list of its value. */
export function echoOutputs(inputs: Record<string, unknown>): Record<string, unknown[]> {
	return orderedRecord(orderedKeys(inputs).map((name) => [name, [inputs[name]]]));
}

function largeOutputs(bytes: number): Record<string, unknown[]> {
	const line = 'The quick brown fox jumps over the lazy dog. 0123456789 ';
	const text = line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
	return { text: [text], bytes: [bytes] };
}
