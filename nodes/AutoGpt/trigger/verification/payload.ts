import { z } from 'zod';

/** Contract §6: the events a delivery can carry. */
export const DELIVERY_EVENTS = [
	'execution.started',
	'execution.completed',
	'execution.failed',
	'grant.revoked',
] as const;

export type DeliveryEvent = (typeof DELIVERY_EVENTS)[number];

const id = z.string().min(1);
// Statuses are compared case-insensitively elsewhere in the package, so any spelling is read here.
const status = z.string().min(1);

const executionStartedData = z.object({ execution_id: id, agent_id: id, status }).passthrough();

const executionCompletedData = z
	.object({
		execution_id: id,
		agent_id: id,
		status,
		// output name → list of values
		outputs: z.record(z.string(), z.unknown()),
	})
	.passthrough();

const executionFailedData = z
	.object({
		execution_id: id,
		agent_id: id,
		status,
		error: z.union([z.string(), z.record(z.string(), z.unknown()), z.null()]),
	})
	.passthrough();

const grantRevokedData = z.object({ grant_id: id, credential_id: id, provider: id }).passthrough();

const envelope = { timestamp: z.string().min(1) };

export const deliverySchema = z.discriminatedUnion('event', [
	z.object({ event: z.literal('execution.started'), ...envelope, data: executionStartedData }),
	z.object({ event: z.literal('execution.completed'), ...envelope, data: executionCompletedData }),
	z.object({ event: z.literal('execution.failed'), ...envelope, data: executionFailedData }),
	z.object({ event: z.literal('grant.revoked'), ...envelope, data: grantRevokedData }),
]);

export type Delivery = z.infer<typeof deliverySchema>;

export type PayloadResult = { ok: true; delivery: Delivery } | { ok: false; reason: string };

/** Checks a parsed body against its event's schema; the reason names the first bad field. */
export function parseDelivery(body: unknown): PayloadResult {
	const result = deliverySchema.safeParse(body);
	if (result.success) return { ok: true, delivery: result.data };
	const issue = result.error.issues[0];
	const path = issue.path.join('.');
	if (issue.code === 'invalid_union_discriminator') {
		return { ok: false, reason: 'event: unknown or missing' };
	}
	return { ok: false, reason: path ? `${path}: ${issue.message}` : issue.message };
}

/** The fields of `data` that the trigger lifts to the top of its output item. */
export const LIFTED_DATA_FIELDS = [
	'execution_id',
	'agent_id',
	'status',
	'outputs',
	'error',
	'grant_id',
	'credential_id',
	'provider',
] as const;
