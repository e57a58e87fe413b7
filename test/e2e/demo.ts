// `npm run demo [-- --once] [-- --queue]`: the sandbox platform and n8n with this package, two demo
// workflows imported (run an agent and use its outputs; react to agent events), one run through n8n,
// its outputs printed with the editor URL and login. Keeps running until Ctrl-C; --once stops after
// printing; --queue runs n8n in queue mode (main, two workers, a webhook processor, PostgreSQL, Redis).
// `-- --profile live-v1`: today's AutoGPT API instead (liveV1/demo.ts).
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test harness, not node code: it runs processes, files and the network on purpose */
import { rmSync } from 'fs';
import { join } from 'path';

import {
	N8N_VERSION,
	STATE_ROOT,
	startQueueStack,
	startStack,
	type QueueStack,
	type Stack,
} from './harness';
import { nodeOutput } from './n8n-api';
import { runLiveV1Demo } from './liveV1/demo';
import { profileOf } from './liveV1/profile';
import { connectOAuth2Credential, oauth2CredentialData, SandboxAdmin } from './platform';
import { loadWorkflowFile } from './workflows';

const once = process.argv.includes('--once');
const queue = process.argv.includes('--queue');
const log = (line: string) => process.stderr.write(`[demo] ${line}\n`);

async function main(): Promise<void> {
	const started = Date.now();
	const stateDir = join(STATE_ROOT, 'demo');
	rmSync(stateDir, { recursive: true, force: true });
	log(
		`starting the AutoGPT sandbox and n8n ${N8N_VERSION}${queue ? ' in queue mode' : ''} with this package (the first run installs n8n: a few minutes)`,
	);
	const stack: Stack = queue
		? await startQueueStack({ stateDir, log })
		: await startStack({ stateDir, log });
	const stop = async () => {
		log('stopping n8n and the sandbox');
		await stack.stop();
	};
	try {
		const admin = new SandboxAdmin(stack.sandbox);
		const credential = await stack.n8n.createCredential(
			'AutoGPT (local sandbox)',
			'autoGptOAuth2Api',
			oauth2CredentialData(stack.sandbox),
		);
		// n8n's own OAuth2 flow with PKCE; the sandbox approves the consent at once.
		await connectOAuth2Credential(stack.n8n, admin, credential.id);
		log(`credential "${credential.name}" connected through n8n's OAuth2 flow`);

		const values = { agents: stack.sandbox.agents, oauth2Credential: credential };
		const events = await stack.n8n.createWorkflow(loadWorkflowFile('agent-events.json', values));
		await stack.n8n.activateWorkflow(events.id);
		const execute = await stack.n8n.createWorkflow(loadWorkflowFile('execute-agent.json', values));
		await stack.n8n.activateWorkflow(execute.id);
		log('demo workflows imported and active');

		const inputs = { topic: 'n8n and AutoGPT', audience: 'workflow builders' };
		const knownEvents = await stack.n8n.executionIds(events.id);
		const run = await stack.n8n.runWebhookWorkflow(execute.id, 'autogpt-demo', { inputs });
		if (run.execution.status !== 'success') {
			throw new Error(
				`the demo workflow ended with status ${run.execution.status}: ${run.execution.data?.resultData.error?.message ?? ''}`,
			);
		}
		const agent = nodeOutput(run.execution, 'Execute Agent')[0]?.json ?? {};
		const result = nodeOutput(run.execution, 'Use Outputs')[0]?.json ?? {};
		const [event] = await stack.n8n.waitForExecutions(events.id, {
			known: knownEvents,
			timeoutMs: 30_000,
		});
		const eventMessage = nodeOutput(event, 'Log Event')[0]?.json.message;

		const lines = [
			'',
			'AutoGPT in n8n: the demo ran.',
			'',
			`  Workflow      ${execute.name}`,
			`  Agent         ${String(agent.agent_id)} (the sandbox's echo agent)`,
			`  Execution     ${String(agent.execution_id)}: ${String(agent.status)}`,
			`  Inputs        ${JSON.stringify(inputs)}`,
			`  Outputs       ${JSON.stringify(agent.outputs)}`,
			`  Used as       ${String(result.summary)}`,
			`  Event         ${String(eventMessage)} (workflow "${events.name}")`,
			'',
			`  Editor        ${stack.n8nUrl}/workflow/${execute.id}`,
			`  Login         ${stack.owner.email} / ${stack.owner.password}`,
			`  Run it again  curl -s -X POST ${stack.webhookUrl}/webhook/autogpt-demo -H 'content-type: application/json' -d '{"inputs":{"topic":"anything"}}'`,
			`  Platform      ${stack.sandbox.url} (the local AutoGPT sandbox)`,
			...(queue ? queueLines(stack as QueueStack, run.execution.id) : []),
			'',
			`Ready in ${Math.round((Date.now() - started) / 1000)} s.${once ? '' : ' Press Ctrl-C to stop.'}`,
			'',
		];
		process.stdout.write(lines.join('\n'));
	} catch (error) {
		log(`logs: ${stack.logs.n8n}, ${stack.logs.sandbox}`);
		await stop();
		throw error;
	}
	if (once) {
		await stop();
		return;
	}
	process.once('SIGINT', () => log('Ctrl-C'));
	// The harness stops both processes on SIGINT/SIGTERM; until then, keep the event loop alive.
	setInterval(() => {}, 60_000);
}

/** Which processes of the queue-mode stack took the demo's run, from their own event logs. */
function queueLines(stack: QueueStack, executionId: string): string[] {
	const hosts = stack.jobs().get(String(executionId));
	return [
		`  Queue mode    main ${stack.n8nUrl}, webhook processor ${stack.webhookUrl}, ${stack.processes.filter((p) => p.role === 'worker').length} workers, PostgreSQL :${stack.postgres.port}, Redis :${stack.redis.port}`,
		`  The run       received by ${hosts?.enqueuedBy.join(', ') || '?'}, run by ${hosts?.ranOn.join(', ') || '?'}`,
	];
}

(profileOf(process.argv.slice(2)) === 'live-v1' ? runLiveV1Demo(once, log) : main()).then(
	() => {
		if (once) process.exit(0);
	},
	(error) => {
		process.stderr.write(
			`[demo] failed: ${error instanceof Error ? error.message : String(error)}\n`,
		);
		process.exit(1);
	},
);
