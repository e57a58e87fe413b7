/**
 * Remembers the deliveries a trigger accepted, until their signed timestamp leaves the tolerance
 * window (after that the timestamp check rejects a copy anyway), so that a second delivery of the
 * same signed body inside the window is refused (contract §6).
 *
 * Where the memory lives: in this module, one guard per workflow and node, for the life of the
 * n8n process. n8n builds a new node instance and a new context for every webhook call, so
 * nothing on the instance survives. Node static data does not fit either: n8n loads it from the
 * database with the workflow for each call and writes it back only at the end of an execution that
 * the call started, so a rejected delivery would leave no trace, and a replay arriving while the
 * first execution still runs would read the old copy and pass. Module state is shared by every
 * call in the process and updated synchronously, so check-and-remember cannot interleave.
 * The price: a restart forgets (a copy can then be replayed within the remaining window), and in
 * queue mode with several webhook processes each process remembers only what it received.
 */

/** Far above any real delivery rate (33 per second for 5 minutes); a ceiling for memory only. */
export const DEFAULT_MAX_ENTRIES = 10_000;

export class ReplayGuard {
	private readonly expiries = new Map<string, number>();

	private earliestExpiry = Infinity;

	constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

	get size(): number {
		return this.expiries.size;
	}

	/**
	 * Whether `key` was remembered and has not expired at `nowMs`. When it was not, it is
	 * remembered until `expiresAtMs`. Check and record are one step.
	 */
	isReplay(key: string, nowMs: number, expiresAtMs: number): boolean {
		this.forgetExpired(nowMs);
		const expiresAt = this.expiries.get(key);
		if (expiresAt !== undefined && expiresAt > nowMs) return true;

		if (this.expiries.size >= this.maxEntries) {
			// Only signed deliveries get here, so this is the platform's own volume; the oldest
			// entry is the one closest to leaving the window by itself.
			const oldest = this.expiries.keys().next().value;
			if (oldest !== undefined) this.expiries.delete(oldest);
		}
		this.expiries.delete(key);
		this.expiries.set(key, expiresAtMs);
		this.earliestExpiry = Math.min(this.earliestExpiry, expiresAtMs);
		return false;
	}

	/** Forgets `key`: a delivery that was accepted but did not start its run may come again. */
	forget(key: string): void {
		this.expiries.delete(key);
	}

	private forgetExpired(nowMs: number): void {
		if (nowMs < this.earliestExpiry) return;
		let earliest = Infinity;
		for (const [key, expiresAt] of this.expiries) {
			if (expiresAt <= nowMs) this.expiries.delete(key);
			else earliest = Math.min(earliest, expiresAt);
		}
		this.earliestExpiry = earliest;
	}
}

const guards = new Map<string, ReplayGuard>();

/** The process-wide guard of one trigger, e.g. scope `${workflowId}:${nodeId}`. */
export function replayGuardFor(scope: string): ReplayGuard {
	let guard = guards.get(scope);
	if (!guard) {
		guard = new ReplayGuard();
		guards.set(scope, guard);
	}
	return guard;
}
