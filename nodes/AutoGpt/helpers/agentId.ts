// An agent is given by its ID or by the builder URL copied from the AutoGPT platform
// (`https://platform.agpt.co/build?flowID=<id>&flowVersion=3`).

// n8n anchors validation patterns itself (^…$); extraction patterns are searched anywhere.
export const AGENT_ID_PATTERN = '[A-Za-z0-9][A-Za-z0-9_-]*';

export const AGENT_URL_PATTERN = `https?://\\S*/build/?\\?\\S*flowID=${AGENT_ID_PATTERN}\\S*`;

export const AGENT_URL_EXTRACT = `[?&]flowID=(${AGENT_ID_PATTERN})`;

const ID = new RegExp(`^${AGENT_ID_PATTERN}$`);

export type AgentIdResult = { ok: true; agentId: string } | { ok: false; reason: string };

export function parseAgentId(value: string): AgentIdResult {
	const text = value.trim();
	if (!text) {
		return {
			ok: false,
			reason:
				"The agent is empty. Enter the agent ID, or paste the agent's builder URL from AutoGPT.",
		};
	}
	if (/^https?:\/\//i.test(text)) {
		let url: URL;
		try {
			url = new URL(text);
		} catch {
			return {
				ok: false,
				reason: `"${text}" is not a valid URL. Paste the builder URL from AutoGPT, e.g. https://platform.agpt.co/build?flowID=…`,
			};
		}
		const flowId = url.searchParams.get('flowID');
		if (!flowId || !ID.test(flowId)) {
			return {
				ok: false,
				reason: `The URL "${text}" has no flowID parameter. Open the agent in the AutoGPT builder and copy the address, which ends in ?flowID=…`,
			};
		}
		return { ok: true, agentId: flowId };
	}
	if (!ID.test(text)) {
		return {
			ok: false,
			reason: `"${text}" is not an agent ID: an ID has only letters, digits, "-" and "_", usually a UUID such as 5f3c9a1e-8b2d-4c6f-a1e0-7d9b3c2f4e10. Enter the agent's ID, or paste its builder URL from AutoGPT (…/build?flowID=<id>).`,
		};
	}
	return { ok: true, agentId: text };
}
