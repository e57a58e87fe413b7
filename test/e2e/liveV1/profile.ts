// `--profile live-v1` for `npm run demo` and `npm run e2e:up`: the sandbox of today's AutoGPT
// External API v1 instead of the contract's platform.
import type { SandboxInfo } from '../harness';
import type { LiveV1SandboxInfo } from '../../sandbox/liveV1/server';

export type SandboxProfile = 'broker' | 'live-v1';

export function profileOf(argv: string[]): SandboxProfile {
	const index = argv.findIndex(
		(argument) => argument === '--profile' || argument.startsWith('--profile='),
	);
	if (index < 0) return 'broker';
	const value = argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
	if (value !== 'live-v1' && value !== 'broker') {
		throw new Error(
			`--profile is live-v1 (today's AutoGPT API) or broker (the default), not ${String(value)}`,
		);
	}
	return value;
}

/** The sandbox CLI's arguments for a profile. */
export function sandboxArgsOf(profile: SandboxProfile): string[] {
	return profile === 'live-v1' ? ['--profile', 'live-v1'] : [];
}

/** Which profile a sandbox's JSON line comes from. */
export function profileOfLine(sandbox: SandboxInfo | LiveV1SandboxInfo): SandboxProfile {
	return (sandbox as { profile?: string }).profile === 'live-v1' ? 'live-v1' : 'broker';
}

/** The harness types the sandbox's line as the other profile's; a live-v1 stack has this one. */
export function liveLine(sandbox: SandboxInfo | LiveV1SandboxInfo): LiveV1SandboxInfo {
	if (profileOfLine(sandbox) !== 'live-v1') throw new Error('the stack runs the other sandbox');
	return sandbox as LiveV1SandboxInfo;
}
