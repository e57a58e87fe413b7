// The waiting node's stack entry, as n8n-core's WebhookContext keeps it (`executeData`): found only
// when it is whole and this node's, and changed only in its resumeError.
import type { ExecutionError, IWebhookFunctions } from 'n8n-workflow';

import {
	resumeWithError,
	resumeWithOutput,
	waitingEntry,
	type WaitingEntry,
} from '../../../nodes/AutoGpt/actions/agent/waitingEntry';

const node = { name: 'AutoGPT' };
const whole = () => ({ node: { name: 'AutoGPT' }, data: { main: [[{ json: {} }]] }, source: null });

function contextWith(executeData: unknown): IWebhookFunctions {
	return { executeData, getNode: () => node } as unknown as IWebhookFunctions;
}

test('the entry is found when n8n hands a whole entry of this node', () => {
	const entry = whole();
	expect(waitingEntry(contextWith(entry))).toBe(entry);
});

test.each([
	['no entry', undefined],
	['a null entry', null],
	['an entry without its node', { data: {} }],
	['an entry whose node is null', { node: null, data: {} }],
	['the entry of another node', { node: { name: 'Other' }, data: {} }],
	['an entry without data', { node: { name: 'AutoGPT' } }],
	['an entry whose data is null', { node: { name: 'AutoGPT' }, data: null }],
	['an entry whose data is text', { node: { name: 'AutoGPT' }, data: 'main' }],
])('%s is not used', (_what, executeData) => {
	expect(waitingEntry(contextWith(executeData))).toBeUndefined();
});

test('resuming with output removes only the error; an entry without one is left as it is', () => {
	const error = { message: 'Execution ex-1 failed' } as ExecutionError;
	const entry = whole() as unknown as WaitingEntry;
	resumeWithOutput(entry);
	expect(entry.metadata).toBeUndefined();

	entry.metadata = { subExecution: { executionId: 'x', workflowId: 'w' } };
	resumeWithError(entry, error);
	expect(entry.metadata).toEqual({
		subExecution: { executionId: 'x', workflowId: 'w' },
		resumeError: error,
	});
	resumeWithOutput(entry);
	expect(entry.metadata).toEqual({ subExecution: { executionId: 'x', workflowId: 'w' } });
});
