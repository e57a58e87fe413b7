// `npm run sandbox -- [--profile live-v1] [--port N] [--config FILE] [--host H]`: starts the
// sandbox, prints one JSON line (url, apiUrl, clientId, clientSecret, webhookSecret, apiKey, agents;
// for live-v1: url, apiUrl, apiKey, graphs, storeAgents, blocks), stops on SIGTERM/SIGINT.
/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import { startLiveV1Sandbox } from './liveV1/server';
import { startSandbox } from './server';

interface CliOptions {
	port: number;
	host?: string;
	configFile?: string;
	/** `live-v1`: today's AutoGPT External API v1 instead of the contract's platform. */
	profile?: string;
}

function parseArguments(argv: string[]): CliOptions {
	const options: CliOptions = { port: 0 };
	for (let index = 0; index < argv.length; index++) {
		const [flag, inline] = argv[index].split(/=(.*)/s, 2);
		const value = () => inline ?? argv[++index];
		switch (flag) {
			case '--port': {
				const port = Number(value());
				if (!Number.isInteger(port) || port < 0 || port > 65535)
					throw new Error('--port needs a number from 0 to 65535');
				options.port = port;
				break;
			}
			case '--config':
				options.configFile = value();
				if (!options.configFile) throw new Error('--config needs a file');
				break;
			case '--host':
				options.host = value();
				break;
			case '--profile':
				options.profile = value();
				if (options.profile !== 'live-v1' && options.profile !== 'broker')
					throw new Error("--profile is live-v1 (today's AutoGPT API) or broker (the default)");
				break;
			case '--help':
				process.stderr.write(
					'usage: npm run sandbox -- [--profile live-v1] [--port N] [--config FILE] [--host 127.0.0.1]\n',
				);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown argument: ${argv[index]}`);
		}
	}
	return options;
}

async function main(): Promise<void> {
	const { profile, ...options } = parseArguments(process.argv.slice(2));
	const sandbox =
		profile === 'live-v1' ? await startLiveV1Sandbox(options) : await startSandbox(options);

	let stopping = false;
	const stop = (signal: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		process.stderr.write(`sandbox: ${signal}, stopping\n`);
		sandbox.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	// Before the line: whoever reads it may signal at once.
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	process.stdout.write(`${JSON.stringify(sandbox.info)}\n`);
}

main().catch((error) => {
	process.stderr.write(`sandbox: ${(error as Error).message}\n`);
	process.exit(1);
});
