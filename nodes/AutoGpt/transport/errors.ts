// Pure mapping of the platform's error bodies (contract §2, §9) to words a user can act on.

const STATUS_TEXT: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	402: 'Payment Required',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	409: 'Conflict',
	410: 'Gone',
	422: 'Unprocessable Entity',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

const HINTS: Record<number, string> = {
	401: 'Check the AutoGPT credential: the API key or the OAuth connection was not accepted. Reconnect the credential if it was revoked.',
	403: 'The credential lacks a scope or permission for this, or a grant does not allow it. Check the scopes of the credential and the grant IDs.',
	404: 'Check the ID: the platform does not know it, or it was revoked or has expired.',
	429: 'The AutoGPT rate limit was reached. Try again later or spread the work over time.',
};

/** The platform's own words, from any of its error shapes. */
export function platformWords(body: unknown): string | undefined {
	if (body === undefined || body === null || body === '') return undefined;
	if (typeof body === 'string') {
		const text = body.trim();
		if (text.startsWith('{') || text.startsWith('[')) {
			try {
				return platformWords(JSON.parse(text));
			} catch {
				return text.slice(0, 300);
			}
		}
		return text.slice(0, 300);
	}
	if (typeof body !== 'object') return String(body);
	const record = body as Record<string, unknown>;
	const detail = record.detail;
	if (typeof detail === 'string') return detail;
	if (Array.isArray(detail)) {
		return detail
			.map((entry) => {
				const item = entry as { loc?: unknown[]; msg?: unknown };
				const where = Array.isArray(item.loc) ? item.loc.join('.') : undefined;
				return where ? `${where}: ${String(item.msg)}` : String(item.msg);
			})
			.join('; ');
	}
	if (detail && typeof detail === 'object') return platformWords(detail);
	if (typeof record.error === 'string') {
		return typeof record.error_description === 'string'
			? `${record.error}: ${record.error_description}`
			: record.error;
	}
	if (typeof record.message === 'string') return record.message;
	return undefined;
}

/** Never let a key or token that the platform echoed reach a message. */
export function redactSecrets(text: string): string {
	return text
		.replace(/agpt_[A-Za-z0-9_-]+/g, 'agpt_***')
		.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1***');
}

/**
 * An error message that says what to change, not only what went wrong: n8n hands an AI Agent's
 * model only the message of a tool's error, never its description.
 */
export function withRemedy(message: string, remedy: string): string {
	if (!remedy || message.includes(remedy)) return message;
	return `${message}${/[.!?]$/.test(message) ? '' : '.'} ${remedy}`;
}

export interface HttpFailure {
	status: number;
	body?: unknown;
}

export interface FailureText {
	message: string;
	description: string;
}

/** `what` says what was being done, e.g. `Could not get execution 1f2e…`. */
export function describeHttpFailure(what: string, failure: HttpFailure): FailureText {
	const statusText = STATUS_TEXT[failure.status] ?? '';
	const words = platformWords(failure.body);
	const message = redactSecrets(
		`${what}: AutoGPT answered ${failure.status}${statusText ? ` ${statusText}` : ''}${words ? ` — ${words}` : ''}`,
	);
	const hint =
		HINTS[failure.status] ??
		(failure.status >= 500
			? 'The AutoGPT platform had a problem. Try again in a moment.'
			: "Change the parameters of this item as AutoGPT's answer says.");
	return { message, description: hint };
}

// Node's error codes for a request that got no HTTP answer, in words (n8n rewrites messages
// that contain the bare codes into its own generic text).
const NETWORK_FAILURES: Record<string, string> = {
	ECONNRESET: 'the connection was dropped',
	ECONNREFUSED: 'the connection was refused',
	ECONNABORTED: 'the request timed out',
	ETIMEDOUT: 'the request timed out',
	ESOCKETTIMEDOUT: 'the request timed out',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	EPIPE: 'the connection was dropped',
	ENETUNREACH: 'the network is unreachable',
	EHOSTUNREACH: 'the host is unreachable',
	ERR_SOCKET_CONNECTION_TIMEOUT: 'the request timed out',
};

/** Words for a failure without an HTTP answer, or undefined when it was no network failure. */
export function describeNetworkFailure(
	code: string | undefined,
	message: string | undefined,
): string | undefined {
	if (code && NETWORK_FAILURES[code]) return NETWORK_FAILURES[code];
	if (message && /socket hang up|timeout|timed out|network error/i.test(message)) {
		return /hang up/i.test(message) ? 'the connection was dropped' : 'the request timed out';
	}
	return undefined;
}
