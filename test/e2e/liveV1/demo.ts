// `npm run demo -- --profile live-v1 [--once]`: the sandbox of today's AutoGPT API (v1) and n8n
// with this package; an AutoGPT API credential (API key, Platform left Automatic) and the example
// workflow of today's platform (account, a store agent run and waited for, a block) run once
// through n8n, its outputs printed with the editor URL and login.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test harness, not node code */
import { rmSync } from 'fs';
import { join } from 'path';

import { N8N_VERSION, STATE_ROOT, startStack } from '../harness';
import { nodeOutput } from '../n8n-api';
import { liveCredentialData, loadStoreAgentExample } from './platform';
import { liveLine, sandboxArgsOf } from './profile';

export async function runLiveV1Demo(once: boolean, log: (line: string) => void): Promise<void> {
	const started = Date.now();
	const stateDir = join(STATE_ROOT, 'demo-live-v1');
	rmSync(stateDir, { recursive: true, force: true });
	log(
		`starting the sandbox of today's AutoGPT API and n8n ${N8N_VERSION} with this package (the first run installs n8n: a few minutes)`,
	);
	const stack = await startStack({ stateDir, log, sandboxArgs: sandboxArgsOf('live-v1') });
	const sandbox = liveLine(stack.sandbox);
	try {
		const credential = await stack.n8n.createCredential(
			'AutoGPT API (local sandbox of platform.agpt.co)',
			'autoGptApi',
			liveCredentialData(sandbox),
		);
		const workflow = await stack.n8n.createWorkflow(loadStoreAgentExample(sandbox, credential));
		await stack.n8n.activateWorkflow(workflow.id);
		log('credential created and the example workflow imported and active');

		const inputs = { topic: 'n8n and AutoGPT', audience: 'workflow builders' };
		const run = await stack.n8n.runWebhookWorkflow(workflow.id, 'autogpt-store-demo', { inputs });
		if (run.execution.status !== 'success') {
			throw new Error(
				`the demo workflow ended with status ${run.execution.status}: ${run.execution.data?.resultData.error?.message ?? ''}`,
			);
		}
		const result = nodeOutput(run.execution, 'Use Outputs')[0]?.json ?? {};
		const agent = (result.agent ?? {}) as Record<string, unknown>;
		process.stdout.write(
			[
				'',
				"AutoGPT in n8n, against a stand-in for today's platform.agpt.co: the demo ran.",
				'',
				`  Workflow      ${workflow.name}`,
				`  Account       ${String(result.account)}`,
				`  Store agent   ${sandbox.storeAgents.echo} → agent ${String(agent.agent_id)} version ${String(agent.agent_version)}`,
				`  Execution     ${String(agent.execution_id)}: ${String(agent.status)}`,
				`  Inputs        ${JSON.stringify(inputs)}`,
				`  Outputs       ${JSON.stringify(agent.outputs)}`,
				`  Block         CalculatorBlock: ${Object.keys((agent.outputs as object) ?? {}).length} + 40 = ${String(result.sum)}`,
				'',
				`  Editor        ${stack.n8nUrl}/workflow/${workflow.id}`,
				`  Login         ${stack.owner.email} / ${stack.owner.password}`,
				`  Run it again  curl -s -X POST ${stack.n8nUrl}/webhook/autogpt-store-demo -H 'content-type: application/json' -d '{"inputs":{"topic":"anything"}}'`,
				`  Platform      ${sandbox.apiUrl} (the local sandbox of AutoGPT's External API v1)`,
				'',
				`Ready in ${Math.round((Date.now() - started) / 1000)} s.${once ? '' : ' Press Ctrl-C to stop.'}`,
				'',
			].join('\n'),
		);
	} catch (error) {
		log(`logs: ${stack.logs.n8n}, ${stack.logs.sandbox}`);
		await stack.stop();
		throw error;
	}
	if (once) {
		await stack.stop();
		return;
	}
	process.once('SIGINT', () => log('Ctrl-C'));
	// The harness stops both processes on SIGINT/SIGTERM; until then, keep the event loop alive.
	setInterval(() => {}, 60_000);
}
