/* eslint-disable @n8n/community-nodes/no-restricted-imports */
// (Test code: it runs in jest on Node, never inside n8n.)
//
// A loopback proxy in front of the sandbox for the one fault the sandbox's own fault rules cannot
// play: the platform does the work (the agent run is created) and the connection drops before the
// answer reaches n8n. Everything else is passed through untouched.
import http from 'http';
import type { AddressInfo } from 'net';

export class LostAnswerProxy {
	private server?: http.Server;
	private rules: Array<{ method: string; path: RegExp; remaining: number }> = [];
	/** Requests whose answer was swallowed, with the upstream status that was never delivered. */
	readonly swallowed: Array<{
		method: string;
		path: string;
		upstreamStatus: number;
		upstreamBody: string;
	}> = [];
	url = '';

	constructor(private readonly target: string) {}

	async start(): Promise<string> {
		const upstream = new URL(this.target);
		this.server = http.createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				const body = Buffer.concat(chunks);
				const path = (request.url ?? '/').split('?')[0];
				const rule = this.rules.find(
					(r) => r.remaining > 0 && r.method === request.method && r.path.test(path),
				);
				if (rule) rule.remaining--;
				const forward = http.request(
					{
						hostname: upstream.hostname,
						port: upstream.port,
						method: request.method,
						path: request.url,
						headers: { ...request.headers, host: upstream.host },
						agent: false,
					},
					(answer) => {
						const answerChunks: Buffer[] = [];
						answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
						answer.on('end', () => {
							const answerBody = Buffer.concat(answerChunks);
							if (rule) {
								this.swallowed.push({
									method: request.method ?? '',
									path,
									upstreamStatus: answer.statusCode ?? 0,
									upstreamBody: answerBody.toString('utf8'),
								});
								request.socket.destroy();
								return;
							}
							response.writeHead(answer.statusCode ?? 502, answer.headers);
							response.end(answerBody);
						});
					},
				);
				forward.on('error', () => request.socket.destroy());
				forward.end(body);
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this.url;
	}

	/** The next `count` matching requests reach the platform; their answers are dropped. */
	loseAnswers(method: string, path: RegExp, count = 1): void {
		this.rules.push({ method, path, remaining: count });
	}

	async stop(): Promise<void> {
		if (!this.server) return;
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
	}
}
