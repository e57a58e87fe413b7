// On today's AutoGPT platform an agent runs as a graph ID and a version. A user names it by the ID
// and a version, by its builder URL (`…/build?flowID=<id>&flowVersion=3`), or as a store agent
// (`creator/agent-name`, or its store address `…/marketplace/agent/creator/agent-name`), whose
// listing gives the graph ID and its versions.

const SLUG = '[A-Za-z0-9._~%-]+';

/** n8n anchors validation patterns itself (^…$). */
export const STORE_AGENT_PATTERN = `(?:https?://\\S*/marketplace/agent/)?${SLUG}/${SLUG}/?`;

export type StoreAgentRef =
	| { ok: true; creator: string; agentName: string }
	| { ok: false; reason: string };

export function parseStoreAgent(value: string): StoreAgentRef {
	const text = value.trim();
	const path = /^https?:\/\//i.test(text)
		? (/\/marketplace\/agent\/([^/?#]+)\/([^/?#]+)/.exec(text) ?? undefined)
		: (new RegExp(`^(${SLUG})/(${SLUG})/?$`).exec(text) ?? undefined);
	if (!path) {
		return {
			ok: false,
			reason: `"${text}" does not name a store agent. Write it as creator/agent-name, as in the agent's store address (…/marketplace/agent/creator/agent-name).`,
		};
	}
	return {
		ok: true,
		creator: decodeURIComponent(path[1]),
		agentName: decodeURIComponent(path[2]),
	};
}

export type VersionRequest =
	| { kind: 'unset' }
	| { kind: 'latest' }
	| { kind: 'number'; version: number }
	| { kind: 'invalid'; text: string };

export function parseVersion(value: unknown): VersionRequest {
	const text = String(value ?? '').trim();
	if (text === '') return { kind: 'unset' };
	if (text.toLowerCase() === 'latest') return { kind: 'latest' };
	const number = /^v?(\d+)$/i.exec(text);
	if (number && Number(number[1]) >= 1) return { kind: 'number', version: Number(number[1]) };
	return { kind: 'invalid', text };
}

/** The `flowVersion` of a builder URL, when it has one. */
export function builderUrlVersion(url: string): number | undefined {
	try {
		// the URL parser itself drops spaces and line breaks around the address
		const version = parseVersion(new URL(url).searchParams.get('flowVersion'));
		return version.kind === 'number' ? version.version : undefined;
	} catch {
		return undefined;
	}
}

/** The version of a store agent to run: the one asked for, if listed, else the highest. */
export function pickStoreVersion(
	listed: string[],
	wanted: VersionRequest,
): { ok: true; version: number } | { ok: false; reason: string } {
	const versions = listed
		.map((version) => Number(version))
		.filter((version) => Number.isInteger(version) && version >= 1)
		.sort((a, b) => a - b);
	if (versions.length === 0) {
		return { ok: false, reason: 'The store lists no version of this agent that can be run.' };
	}
	if (wanted.kind === 'number') {
		if (versions.includes(wanted.version)) return { ok: true, version: wanted.version };
		return {
			ok: false,
			reason: `The store lists versions ${versions.join(', ')} of this agent, not ${wanted.version}. Leave Agent Version empty to run the latest.`,
		};
	}
	return { ok: true, version: versions[versions.length - 1] };
}
