import { z } from 'zod';

// Every answer of the External API (contract §4, §7) is parsed here, so a response of an unexpected
// shape fails with the name of the field instead of deeper in an operation.

const timestamp = z.string().nullable().optional();

export const executeAnswer = z
	.object({
		execution_id: z.string().min(1),
		status: z.string(),
		message: z.string().optional(),
	})
	.passthrough();

export const executionRecord = z
	.object({
		execution_id: z.string().min(1),
		status: z.string(),
		started_at: timestamp,
		completed_at: timestamp,
		outputs: z.record(z.unknown()).nullable().optional(),
		error: z.string().nullable().optional(),
	})
	.passthrough();

export const cancelAnswer = z
	.object({
		message: z.string(),
		execution_id: z.string(),
	})
	.passthrough();

export const capabilities = z
	.object({
		user_id: z.string(),
		client_id: z.string().nullable().optional(),
		grants: z.array(
			z
				.object({ grant_id: z.string(), provider: z.string(), scopes: z.array(z.string()) })
				.passthrough(),
		),
		available_scopes: z.array(z.string()),
	})
	.passthrough();

export const grantSummary = z
	.object({
		id: z.string(),
		provider: z.string(),
		granted_scopes: z.array(z.string()),
		permissions: z.array(z.string()),
		created_at: timestamp,
		last_used_at: timestamp,
		expires_at: timestamp,
	})
	.passthrough();

export const grantList = z.array(grantSummary);

export const grantDetail = grantSummary
	.extend({
		credential_id: z.string(),
		updated_at: timestamp,
		revoked_at: timestamp,
	})
	.passthrough();

export const messageAnswer = z.object({ message: z.string() }).passthrough();

export const subscription = z
	.object({
		id: z.string(),
		url: z.string(),
		events: z.array(z.string()),
		created_at: timestamp,
	})
	.passthrough();

export const subscriptionList = z.array(subscription);

export const createdSubscription = subscription.extend({ secret: z.string().min(1) }).passthrough();

/** For 204 answers and others whose body the caller does not use. */
export const noContent = z.unknown();

export type ExecutionRecord = z.infer<typeof executionRecord>;
export type GrantSummary = z.infer<typeof grantSummary>;

/** Names the first field that did not fit, e.g. `execution_id (Required)`. */
export function describeSchemaMismatch(error: z.ZodError): string {
	return error.issues
		.slice(0, 3)
		.map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`)
		.join('; ');
}
