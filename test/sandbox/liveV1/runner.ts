// Graph executions of the live-v1 sandbox: QUEUED → RUNNING → COMPLETED / FAILED / REVIEW on the
// fixture's schedule (times timeFactor), with the node executions the results endpoint lists.
// Today's platform sends no events, so nothing is delivered anywhere.
/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import { randomUUID } from 'node:crypto';

import { orderedKeys, PyFloat } from '../canonical';
import type { Clock } from '../clock';
import type { GraphFixture, LiveV1Config } from './config';
import type { ExecutionStatus, GraphExecution, LiveV1State } from './state';

/** Ids of the input and output blocks of every fixture graph (AgentInputBlock, AgentOutputBlock). */
const INPUT_NODE = 'c0a8e994-ebf1-4a9c-a4d8-89d09c86741b';
const OUTPUT_NODE = '363ae599-353e-4804-937e-b2ee3cef3da4';

export class LiveV1Runner {
	constructor(
		private readonly state: LiveV1State,
		private readonly config: LiveV1Config,
		private readonly clock: Clock,
	) {}

	start(graph: GraphFixture, version: number, userId: string, inputs: Record<string, unknown>) {
		const execution: GraphExecution = {
			id: randomUUID(),
			graphId: graph.id,
			graphVersion: version,
			graphName: graph.name,
			userId,
			status: 'QUEUED',
			inputs,
			nodes: [],
			outputs: {},
			createdAt: this.clock.nowMs(),
			endedAt: null,
			timers: [],
		};
		this.state.executions.set(execution.id, execution);
		const scale = 1000 * this.config.timeFactor;
		this.later(execution, graph.queuedSeconds * scale, () => {
			execution.status = 'RUNNING';
			execution.nodes = orderedKeys(inputs).map((name) => ({
				node_id: `${INPUT_NODE}-${name}`,
				input: { name, value: inputs[name] },
				output: { result: [inputs[name]] },
			}));
			this.later(execution, this.runSeconds(graph, inputs) * scale, () =>
				this.finish(execution, graph),
			);
		});
		return execution;
	}

	/** A human's answer to an execution waiting in REVIEW (admin API). */
	review(execution: GraphExecution, approve: boolean, graph: GraphFixture | undefined): boolean {
		if (execution.status !== 'REVIEW') return false;
		if (approve) this.complete(execution, structuredClone(graph?.outputs ?? {}));
		else this.fail(execution, 'Review rejected');
		return true;
	}

	/** Forces a status (admin API); COMPLETED takes `outputs`, FAILED an `error`. */
	force(
		execution: GraphExecution,
		status: ExecutionStatus,
		outputs?: Record<string, unknown[]>,
		error?: string,
	): void {
		execution.timers.forEach(clearTimeout);
		execution.timers = [];
		if (status === 'COMPLETED') this.complete(execution, outputs ?? {});
		else if (status === 'FAILED') this.fail(execution, error ?? 'Agent execution failed');
		else {
			execution.status = status;
			if (status === 'TERMINATED') execution.endedAt = this.clock.nowMs();
		}
	}

	private runSeconds(graph: GraphFixture, inputs: Record<string, unknown>): number {
		if (graph.durationInput && inputs[graph.durationInput] !== undefined) {
			const raw = inputs[graph.durationInput];
			const seconds = Number(raw instanceof PyFloat ? raw.value : raw);
			if (Number.isFinite(seconds) && seconds >= 0) return seconds;
		}
		return graph.runSeconds;
	}

	private later(execution: GraphExecution, delayMs: number, step: () => void): void {
		const timer = setTimeout(() => {
			execution.timers = execution.timers.filter((pending) => pending !== timer);
			step();
		}, delayMs);
		execution.timers.push(timer);
	}

	private finish(execution: GraphExecution, graph: GraphFixture): void {
		switch (graph.behavior) {
			case 'fail': {
				const fromInput = graph.errorInput ? execution.inputs[graph.errorInput] : undefined;
				this.fail(
					execution,
					typeof fromInput === 'string' ? fromInput : (graph.error ?? 'Agent execution failed'),
				);
				return;
			}
			case 'review':
				execution.status = 'REVIEW';
				return;
			case 'partial': {
				// One branch fails, the other still reaches its output: the run completes anyway.
				const [first, ...others] = orderedKeys(execution.inputs);
				execution.nodes.push(blockError(graph.error ?? 'Block failed'));
				const outputs: Record<string, unknown[]> = {};
				for (const name of others) outputs[name] = [execution.inputs[name]];
				if (first === undefined) outputs.result = ['nothing to do'];
				this.complete(execution, outputs);
				return;
			}
			case 'echo':
			default: {
				const outputs: Record<string, unknown[]> = {};
				for (const name of orderedKeys(execution.inputs)) outputs[name] = [execution.inputs[name]];
				this.complete(execution, outputs);
			}
		}
	}

	private complete(execution: GraphExecution, outputs: Record<string, unknown[]>): void {
		execution.status = 'COMPLETED';
		execution.endedAt = this.clock.nowMs();
		execution.outputs = outputs;
		for (const [name, values] of Object.entries(outputs)) {
			execution.nodes.push({
				node_id: `${OUTPUT_NODE}-${name}`,
				input: { name, value: values[0] },
				output: { output: values, name: values.map(() => name) },
			});
		}
	}

	private fail(execution: GraphExecution, message: string): void {
		execution.status = 'FAILED';
		execution.endedAt = this.clock.nowMs();
		execution.nodes.push(blockError(message));
	}
}

/** A block that yielded `error`: how today's platform reports it (there is no error field). */
function blockError(message: string) {
	return {
		node_id: `${randomUUID()}`,
		input: { prompt: '…' },
		output: { error: [message] },
	};
}
