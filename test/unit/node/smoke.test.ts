import nock from 'nock';

import { apiKeyCredentials, runAutoGpt, TestCredentialsHelper } from '../../helpers/workflow';

const API = 'https://platform.test/api/external/v1';

test('execute without waiting', async () => {
	nock(API).post('/executions/agents/agent-1/execute', { inputs: { topic: 'n8n' } }).reply(200, { execution_id: 'ex-1', status: 'queued', message: 'ok' });
	const result = await runAutoGpt({
		credentials: new TestCredentialsHelper({ autoGptApi: apiKeyCredentials('agpt_test', 'https://platform.test') }),
		parameters: {
			resource: 'agent',
			operation: 'execute',
			agent: { __rl: true, mode: 'id', value: 'agent-1' },
			inputSource: 'json',
			inputsJson: '{"topic":"n8n"}',
			waitForCompletion: false,
		},
	});
	expect(result.error).toBeUndefined();
	expect(result.items).toEqual([{ json: { execution_id: 'ex-1', status: 'queued', message: 'ok', agent_id: 'agent-1' }, pairedItem: { item: 0 } }]);
});
