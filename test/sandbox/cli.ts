// `npm run sandbox -- [--port N] [--config FILE] [--host H]`: starts the sandbox, prints one JSON
// line (url, apiUrl, clientId, clientSecret, webhookSecret, apiKey, agents), stops on SIGTERM/SIGINT.
/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import { startSandbox } from './server';

function parseArguments(argv: string[]): { port: number; host?: string; configFile?: string } {
	const options: { port: number; host?: string; configFile?: string } = { port: 0 };
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
			case '--help':
				process.stderr.write(
					'usage: npm run sandbox -- [--port N] [--config FILE] [--host 127.0.0.1]\n',
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
	const options = parseArguments(process.argv.slice(2));
	const sandbox = await startSandbox(options);
	process.stdout.write(`${JSON.stringify(sandbox.info)}\n`);

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
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

main().catch((error) => {
	process.stderr.write(`sandbox: ${(error as Error).message}\n`);
	process.exit(1);
});
