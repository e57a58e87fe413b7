// Replays of one signed delivery through a real n8n 2.40.7 (issue 10): into a second workflow whose
// Manual trigger verifies with the same OAuth client's webhook secret, and after n8n restarts (the
// replay memory must outlive the process: n8n keeps each trigger's static data). The delivery is
// the sandbox platform's own: canonical-signed with the client's webhook secret, as the reference
// platform signs deliveries to an execution's webhook URL.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it reads n8n's log and reports figures on stderr */
import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';

import { canonicalJson, signatureHeader, wireJson } from '../sandbox/canonical';
import { pythonIsoformat } from '../sandbox/clock';
import { fetchReusingSafely } from './n8n-api';
import { sleep } from './processes';
import { connectedOAuth2Credential, useStack, type TestStack } from './testkit';
import { triggerWorkflow, type CredentialRef } from './workflows';

jest.setTimeout(15 * 60_000);

const stackOf = useStack();
let stack: TestStack;
let oauth: CredentialRef;

beforeAll(async () => {
	stack = stackOf();
	oauth = await connectedOAuth2Credential(stack, 'AutoGPT OAuth2 (replays)');
});

/** n8n prints this once per start, after it has activated every active workflow. */
const STARTED = 'Editor is now accessible via';

function starts(): number {
	return readFileSync(stack.logs.n8n, 'utf8').split(STARTED).length - 1;
}

async function manualTrigger(name: string) {
	const workflow = await stack.n8n.createWorkflow(
		triggerWorkflow(name, oauth, {
			events: ['execution.completed'],
			registration: 'manual',
			// A restart on a busy machine may take minutes: a window of 30 minutes keeps the replays
			// below inside it, so only the replay memory can refuse them.
			options: { timestampTolerance: 1800 },
		}),
	);
	await stack.n8n.activateWorkflow(workflow.id);
	return { id: workflow.id, url: `${stack.n8nUrl}/webhook/${workflow.nodes[0].webhookId}/webhook` };
}

/** Sends a signed body (again) with a fresh header timestamp (the header is not signed). */
async function replay(url: string, delivered: { body: string; signature: string }) {
	// a connection kept from before a restart is closed: sent again on a new one (n8n read nothing)
	const response = await fetchReusingSafely(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			'x-webhook-timestamp': pythonIsoformat(Date.now()),
			'x-webhook-signature': delivered.signature,
		},
		body: delivered.body,
	});
	return { status: response.status, body: await response.text() };
}

test('one signed delivery starts one run: a copy is refused by another Manual trigger on the credential, and by both after n8n restarts', async () => {
	const first = await manualTrigger('Replays: first manual trigger');
	const second = await manualTrigger('Replays: second manual trigger');
	const before = {
		first: await stack.n8n.executionIds(first.id),
		second: await stack.n8n.executionIds(second.id),
	};

	const delivered = await stack.admin.deliver({
		url: first.url,
		event: 'execution.completed',
		data: {
			execution_id: randomUUID(),
			agent_id: stack.sandbox.agents.echo,
			status: 'completed',
			outputs: { note: ['sent once'] },
		},
		secret: stack.sandbox.webhookSecret,
		signatureMode: 'canonical',
	});
	await stack.n8n.waitForExecutions(first.id, { known: before.first, count: 1, timeoutMs: 60_000 });

	// the same bytes into the other workflow: the same body under the same secret
	expect(await replay(second.url, delivered)).toEqual({
		status: 401,
		body: JSON.stringify({ error: 'replayed delivery' }),
	});

	const startsBefore = starts();
	await stack.restartN8n();
	// n8n answers before it has activated its workflows; the figure goes to the README
	const answering = Date.now();
	const deadline = answering + 180_000;
	while (starts() === startsBefore && Date.now() < deadline) await sleep(100);
	expect(starts()).toBe(startsBefore + 1);
	process.stderr.write(`[e2e] after the restart, activation took ${Date.now() - answering} ms\n`);

	for (const trigger of [first, second]) {
		expect(await replay(trigger.url, delivered)).toEqual({
			status: 401,
			body: JSON.stringify({ error: 'replayed delivery' }),
		});
	}

	// after the restart the triggers still accept what is new (timed: how long one accepted
	// delivery's call lasts, from n8n loading the static data to saving it, is a figure in the README)
	const payload = {
		event: 'execution.completed',
		timestamp: pythonIsoformat(Date.now()),
		data: {
			execution_id: randomUUID(),
			agent_id: stack.sandbox.agents.echo,
			status: 'completed',
			outputs: { note: ['new after the restart'] },
		},
	};
	const sentAt = Date.now();
	const fresh = await replay(second.url, {
		body: wireJson(payload),
		signature: signatureHeader(stack.sandbox.webhookSecret, canonicalJson(payload)),
	});
	expect(fresh.status).toBe(200);
	process.stderr.write(`[e2e] an accepted delivery was answered in ${Date.now() - sentAt} ms\n`);
	await stack.n8n.waitForExecutions(second.id, {
		known: before.second,
		count: 1,
		timeoutMs: 60_000,
	});
	await sleep(2_000);
	expect((await stack.n8n.executionIds(first.id)).size - before.first.size).toBe(1);
	expect((await stack.n8n.executionIds(second.id)).size - before.second.size).toBe(1);

	await stack.n8n.deactivateWorkflow(first.id);
	await stack.n8n.deactivateWorkflow(second.id);
});
