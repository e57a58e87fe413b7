// Execution statuses (contract §4): the reference platform writes them in upper case, the guides
// and webhooks in lower case. Everything here compares case-insensitively.

const TERMINAL = new Set(['completed', 'failed', 'terminated']);

export function normalizeStatus(status: string): string {
	return status.trim().toLowerCase();
}

export function isTerminalStatus(status: string): boolean {
	return TERMINAL.has(normalizeStatus(status));
}

/** A human must approve a step in AutoGPT: not terminal, but the user should know. */
export function isReviewStatus(status: string): boolean {
	return normalizeStatus(status) === 'review';
}

export function isSuccessStatus(status: string): boolean {
	return normalizeStatus(status) === 'completed';
}
