import { createHash } from 'crypto';

/**
 * What refuses a second delivery of the same signed body inside the window (contract §6). Check
 * and record are one step: `isReplay` answers whether `key` is remembered at `nowMs` and, when it
 * is not, remembers it through `lastCopyAtMs`, the last instant a copy could still pass the
 * timestamp window. Implementations must not interleave two calls.
 */
export interface ReplayMemory {
	isReplay(key: string, nowMs: number, lastCopyAtMs: number): boolean;
}

/**
 * The replay key of a payload under a secret: a digest of the MAC of its canonical form. The same
 * body signed with the same secret has the same key wherever it arrives and whichever form was
 * signed; the key is no signature, and tells nothing about the secret or the payload.
 */
export function replayKeyOf(canonicalMac: Uint8Array): string {
	return createHash('sha256')
		.update('n8n-nodes-autogpt replay key\n')
		.update(canonicalMac)
		.digest()
		.subarray(0, 16)
		.toString('base64url');
}

/** Far above any real delivery rate (33 per second for 5 minutes); a ceiling for memory only. */
export const DEFAULT_MAX_ENTRIES = 10_000;

/** A replay memory in this process: keys with the last instant they are remembered. */
export class ReplayGuard implements ReplayMemory {
	private readonly expiries = new Map<string, number>();

	private earliestExpiry = Infinity;

	constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

	get size(): number {
		return this.expiries.size;
	}

	isReplay(key: string, nowMs: number, lastCopyAtMs: number): boolean {
		if (this.has(key, nowMs)) return true;
		this.remember(key, lastCopyAtMs, nowMs);
		return false;
	}

	/** Whether `key` is remembered at `nowMs` (through its expiry, inclusive). */
	has(key: string, nowMs: number): boolean {
		this.forgetExpired(nowMs);
		const expiresAt = this.expiries.get(key);
		return expiresAt !== undefined && expiresAt >= nowMs;
	}

	/** Remembers `key` through `expiresAtMs` (or longer, if it already was). */
	remember(key: string, expiresAtMs: number, nowMs: number): void {
		if (expiresAtMs < nowMs) return;
		const known = this.expiries.get(key);
		if (known !== undefined && known >= expiresAtMs) return;
		if (known === undefined && this.expiries.size >= this.maxEntries) {
			// Only signed deliveries get here, so this is the platform's own volume; the oldest
			// entry is the one closest to leaving the window by itself.
			const oldest = this.expiries.keys().next().value;
			if (oldest !== undefined) this.expiries.delete(oldest);
		}
		this.expiries.delete(key);
		this.expiries.set(key, expiresAtMs);
		this.earliestExpiry = Math.min(this.earliestExpiry, expiresAtMs);
	}

	/** The keys remembered at `nowMs`, with their expiries. */
	entries(nowMs: number): Array<[string, number]> {
		this.forgetExpired(nowMs);
		return [...this.expiries];
	}

	/** Forgets `key`: a delivery that was accepted but did not start its run may come again. */
	forget(key: string): void {
		this.expiries.delete(key);
	}

	private forgetExpired(nowMs: number): void {
		if (nowMs <= this.earliestExpiry) return;
		let earliest = Infinity;
		for (const [key, expiresAt] of this.expiries) {
			if (expiresAt < nowMs) this.expiries.delete(key);
			else earliest = Math.min(earliest, expiresAt);
		}
		this.earliestExpiry = earliest;
	}
}
