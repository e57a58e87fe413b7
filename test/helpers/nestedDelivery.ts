// A valid execution.completed delivery nested as deep as a test needs, written by hand: Python
// writes neither form beyond 995 levels, and the sandbox's writer recurses.

export interface NestedDeliveryFields {
	timestamp: string;
	executionId: string;
	agentId: string;
}

/**
 * The body has `levels` levels: the envelope, `data` and `outputs` are three, lists under
 * `outputs.deep` the rest. `wire` is spelled as Python's default `json.dumps` writes it,
 * `canonical` as the reference platform signs it.
 */
export function nestedDelivery(
	levels: number,
	{ timestamp, executionId, agentId }: NestedDeliveryFields,
): { wire: string; canonical: string } {
	const lists = '['.repeat(levels - 3) + ']'.repeat(levels - 3);
	return {
		wire:
			`{"event": "execution.completed", "timestamp": "${timestamp}", "data": {"execution_id": "${executionId}", ` +
			`"agent_id": "${agentId}", "status": "completed", "outputs": {"deep": ${lists}}}}`,
		canonical:
			`{"data":{"agent_id":"${agentId}","execution_id":"${executionId}","outputs":{"deep":${lists}},` +
			`"status":"completed"},"event":"execution.completed","timestamp":"${timestamp}"}`,
	};
}
