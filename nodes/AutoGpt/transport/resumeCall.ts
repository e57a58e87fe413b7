// Wait Mode "Webhook": the one request that does not go to the platform. When a Timeout comes, the
// n8n process that holds the wait calls the execution's own resume URL (a notice signed like a
// delivery), because n8n gives a waiting node no code to run when its wait time is up.
import type { IHttpRequestOptions } from 'n8n-workflow';

export interface RequestHelpers {
	httpRequest(options: IHttpRequestOptions): Promise<unknown>;
}

const NOTICE_TIMEOUT_MS = 30_000;

/** Posts `body` to the resume URL; the HTTP status n8n answered, or undefined when none came. */
export async function callResumeUrl(
	helpers: RequestHelpers,
	url: string,
	body: string,
	headers: Record<string, string>,
): Promise<number | undefined> {
	try {
		const answer = (await helpers.httpRequest({
			method: 'POST',
			url,
			body,
			headers: { 'content-type': 'application/json', ...headers },
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: NOTICE_TIMEOUT_MS,
		})) as { statusCode?: number };
		return answer.statusCode;
	} catch {
		return undefined;
	}
}
