// The one place Wait Mode "Webhook" reaches past n8n's node interface.
//
// n8n resumes a waiting node by disabling it: it passes on whatever the webhook returned, and its
// own code does not run again. The only way n8n itself offers to make such a node fail instead is
// `metadata.resumeError` on its entry of the execution stack (ITaskMetadata; n8n writes it for a
// sub-workflow that ended in an error, and `WorkflowExecute.runNode` throws it, or gives the error
// item under Continue On Fail). A node can set that metadata while it runs (`setMetadata`, public),
// but a webhook call cannot: n8n hands the webhook context that very entry (n8n-core's
// WebhookContext keeps it as `executeData`) without a method to reach it. This module reads it
// there, checks that it is the entry of this node, and changes nothing else.
import type { ExecutionError, IExecuteData, IWebhookFunctions } from 'n8n-workflow';

export type WaitingEntry = IExecuteData;

/** The waiting node's stack entry, or undefined when this n8n does not hand it to the webhook. */
export function waitingEntry(context: IWebhookFunctions): WaitingEntry | undefined {
	const entry = (context as unknown as { executeData?: unknown }).executeData as
		| Partial<IExecuteData>
		| undefined;
	if (typeof entry !== 'object' || entry === null) return undefined;
	if (typeof entry.node !== 'object' || entry.node === null) return undefined;
	if (entry.node.name !== context.getNode().name) return undefined;
	if (typeof entry.data !== 'object' || entry.data === null) return undefined;
	return entry as IExecuteData;
}

/** When the execution resumes, the node fails with `error` (an error item under Continue On Fail). */
export function resumeWithError(entry: WaitingEntry, error: ExecutionError): void {
	entry.metadata = { ...entry.metadata, resumeError: error };
}

/** When the execution resumes, the node passes on what the webhook returned. */
export function resumeWithOutput(entry: WaitingEntry): void {
	if (entry.metadata?.resumeError === undefined) return;
	const metadata = { ...entry.metadata };
	delete metadata.resumeError;
	entry.metadata = metadata;
}
