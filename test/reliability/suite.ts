/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
// (Test code: it runs in jest on Node and drives n8n from outside, never inside n8n.)
// What the reliability groups share: one n8n stack with its credentials, and the ledger the groups
// write their figures, printed tables, secrets and error texts into, so the closing line adds up
// what every group found.
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { OWNER, startStack, type Stack } from '../e2e/harness';
import { type Execution, N8nClient, nodeOutput } from '../e2e/n8n-api';
import {
	apiKeyCredentialData,
	connectOAuth2Credential,
	oauth2CredentialData,
} from '../e2e/platform';
import type { CredentialRef } from '../e2e/workflows';
import { allExecutions, Platform, rssMiB } from './support';

export const SUMMARY_FILE = join(tmpdir(), 'n8n-nodes-autogpt-reliability.txt');

/** The figures the closing line reports; each group adds to them. */
export interface Figures {
	cases: number;
	answeredAsExpected: number;
	executionsStartedByForgeries: number;
	duplicateRuns: number;
	/** Items that ran an agent more than once although their execute carried an idempotency key. */
	duplicateRunsWithKeys: number;
	/** Items whose keyed execute, on a platform that stores keys, still ended in an ambiguous error. */
	ambiguousErrorsWithKeys: number;
	lostDeliveries: number;
	leakedSecrets: number;
}

export class Ledger {
	readonly figures: Figures = {
		cases: 0,
		answeredAsExpected: 0,
		executionsStartedByForgeries: 0,
		duplicateRuns: 0,
		duplicateRunsWithKeys: 0,
		ambiguousErrorsWithKeys: 0,
		lostDeliveries: 0,
		leakedSecrets: 0,
	};

	/** Every secret value met during the run, with what it is. */
	readonly secrets = new Map<string, string>();

	/** Every error text a user or a sender could see. */
	readonly errorTexts: string[] = [];

	/** RSS of the n8n process at the end of each section, in MiB. */
	readonly memory: Array<[string, number]> = [];

	private readonly output: string[] = [];

	remember(kind: string, value: unknown): void {
		if (typeof value === 'string' && value.length >= 8) this.secrets.set(value, kind);
	}

	print(text: string): void {
		this.output.push(text);
		process.stdout.write(`${text}\n`);
	}

	closingLine(): string {
		const f = this.figures;
		return (
			`reliability: cases=${f.cases} answered_as_expected=${f.answeredAsExpected} ` +
			`executions_started_by_forgeries=${f.executionsStartedByForgeries} duplicate_runs=${f.duplicateRuns} ` +
			`lost_deliveries=${f.lostDeliveries} leaked_secrets=${f.leakedSecrets} ` +
			`duplicate_runs_with_keys=${f.duplicateRunsWithKeys} ambiguous_errors_with_keys=${f.ambiguousErrorsWithKeys}`
		);
	}

	/** Everything printed, also written to `SUMMARY_FILE`. */
	writeSummary(): void {
		writeFileSync(SUMMARY_FILE, `${this.output.join('\n')}\n`);
	}
}

export interface Harness {
	n8nUrl: string;
	n8n: N8nClient;
	platform: Platform;
	n8nPid: number;
	n8nLog: string;
	stop: () => Promise<void>;
}

/** One n8n for every group; `boot` runs in the test file's beforeAll. */
export class ReliabilitySuite {
	readonly ledger = new Ledger();

	h!: Harness;

	apiKey!: CredentialRef;

	oauth!: CredentialRef;

	/** n8n's body limit for this run, in MiB (N8N_PAYLOAD_SIZE_MAX; n8n 2.40.7's default is 16). */
	readonly payloadLimitMiB = 1;

	async boot(): Promise<void> {
		const { ledger } = this;
		this.h = process.env.RELIABILITY_STACK
			? await attach(process.env.RELIABILITY_STACK)
			: await this.start();
		const sandbox = this.h.platform.info;
		ledger.remember('OAuth client secret', sandbox.clientSecret);
		ledger.remember('OAuth client webhook secret', sandbox.webhookSecret);
		ledger.remember('AutoGPT API key', sandbox.apiKey);
		// The guide's limits (10 executions a minute…) would make this suite wait for minutes; the
		// 429 storm is injected instead. The hourly window is the tighter one, as it is for a user
		// past 940 of the guide's 1000 reads an hour: answers carry its X-RateLimit-Reset, up to an hour ahead.
		await this.h.platform.config({
			rateLimits: {
				execute: { perMinute: 100_000, perHour: 50_000 },
				read: { perMinute: 100_000, perHour: 50_000 },
				oauth: { perMinute: 100_000 },
			},
		});
		const key = await this.h.n8n.createCredential(
			'AutoGPT API (reliability)',
			'autoGptApi',
			apiKeyCredentialData(sandbox),
		);
		this.apiKey = { ...key, type: 'autoGptApi' };
		const client = await this.h.n8n.createCredential(
			'AutoGPT OAuth2 (reliability)',
			'autoGptOAuth2Api',
			oauth2CredentialData(sandbox),
		);
		await connectOAuth2Credential(this.h.n8n, this.h.platform, client.id);
		this.oauth = { ...client, type: 'autoGptOAuth2Api' };
		ledger.memory.push(['after boot', rssMiB(this.h.n8nPid)]);
	}

	private async start(): Promise<Harness> {
		const stack = await startStack({
			n8nEnv: { N8N_PAYLOAD_SIZE_MAX: String(this.payloadLimitMiB) },
		});
		return {
			n8nUrl: stack.n8nUrl,
			n8n: stack.n8n,
			platform: new Platform(stack.sandbox),
			n8nPid: stack.pids.n8n,
			n8nLog: stack.logs.n8n,
			stop: stack.stop,
		};
	}

	async rememberSubscriptions(): Promise<void> {
		for (const subscription of await this.h.platform.webhooks())
			this.ledger.remember('subscription secret', subscription.secret);
	}

	webhookUrlOf(workflow: { nodes: Array<{ webhookId?: string }> }): string {
		const webhookId = workflow.nodes.find((node) => node.webhookId)?.webhookId;
		return `${this.h.n8nUrl}/webhook/${webhookId}/webhook`;
	}

	async subscriptionAt(url: string) {
		const found = (await this.h.platform.webhooks()).filter(
			(subscription) => subscription.url === url,
		);
		for (const subscription of found)
			this.ledger.remember('subscription secret', subscription.secret);
		return found;
	}

	/** The execution_id each execution of a trigger workflow received. */
	async deliveredExecutionIds(workflowId: string): Promise<string[]> {
		const executions = (await allExecutions(
			this.h.n8n,
			workflowId,
			true,
		)) as unknown as Execution[];
		return executions.map((execution) =>
			String(
				nodeOutput(execution, 'AutoGPT Trigger')[0]?.json.execution_id ??
					`(execution ${execution.id} without one)`,
			),
		);
	}
}

/** RELIABILITY_STACK=<stack.json>: a stack left running by test/reliability/dev-up.ts. */
async function attach(file: string): Promise<Harness> {
	const record = JSON.parse(readFileSync(file, 'utf8')) as {
		n8nUrl: string;
		n8nApiKey: string;
		sandbox: Stack['sandbox'];
		pids: Stack['pids'];
		logs: Stack['logs'];
	};
	const n8n = new N8nClient(record.n8nUrl);
	n8n.apiKey = record.n8nApiKey;
	await n8n.login(OWNER.email, OWNER.password);
	return {
		n8nUrl: record.n8nUrl,
		n8n,
		platform: new Platform(record.sandbox),
		n8nPid: record.pids.n8n,
		n8nLog: record.logs.n8n,
		stop: async () => {},
	};
}

export function logText(suite: ReliabilitySuite): string {
	return existsSync(suite.h.n8nLog) ? readFileSync(suite.h.n8nLog, 'utf8') : '';
}
