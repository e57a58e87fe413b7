// The pure parts of the profile of today's AutoGPT platform: which API a credential reaches (and
// that the credential's own test request agrees), what each platform lacks, how v1 results become
// an execution record, and how an agent is named there.
import { Expression } from 'n8n-workflow';

import { AutoGptApi } from '../../../credentials/AutoGptApi.credentials';
import {
	builderUrlVersion,
	parseStoreAgent,
	parseVersion,
	pickStoreVersion,
} from '../../../nodes/AutoGpt/helpers/graphRef';
import {
	resolveConnection,
	unavailableOn,
	wrongPlatformHint,
} from '../../../nodes/AutoGpt/transport/profiles';
import { executionRecordOf } from '../../../nodes/AutoGpt/transport/profiles/liveV1';

describe('which API an AutoGPT API credential reaches', () => {
	const cases: Array<[string, Record<string, string>, 'broker' | 'liveV1', string]> = [
		['the defaults: platform.agpt.co', {}, 'liveV1', 'https://backend.agpt.co/external-api'],
		[
			'platform.agpt.co written with a slash',
			{ platformUrl: 'https://platform.agpt.co/', apiUrl: '', platform: 'auto' },
			'liveV1',
			'https://backend.agpt.co/external-api',
		],
		[
			"the External API URL of AutoGPT's docs, /v1 included",
			{ apiUrl: 'https://backend.agpt.co/external-api/v1/' },
			'liveV1',
			'https://backend.agpt.co/external-api',
		],
		[
			'self-hosted AutoGPT behind a gateway path that starts with /v1 (only a final /v1 is dropped)',
			{ apiUrl: 'https://gw.example/v1-autogpt/external-api', platform: 'autogpt' },
			'liveV1',
			'https://gw.example/v1-autogpt/external-api',
		],
		[
			'self-hosted AutoGPT by its backend address',
			{ platformUrl: 'http://localhost:3000', apiUrl: 'http://localhost:8006/external-api' },
			'liveV1',
			'http://localhost:8006/external-api',
		],
		[
			'a platform with OAuth apps by its Platform URL (as before this profile)',
			{ platformUrl: 'https://autogpt.example.com' },
			'broker',
			'https://autogpt.example.com/api/external/v1',
		],
		[
			"a platform with OAuth apps by the guide's External API URL",
			{ platformUrl: 'http://127.0.0.1:1', apiUrl: 'http://127.0.0.1:1/api/external/v1' },
			'broker',
			'http://127.0.0.1:1/api/external/v1',
		],
		[
			'Platform: AutoGPT with a self-hosted Platform URL only',
			{ platformUrl: 'http://localhost:3000', platform: 'autogpt' },
			'liveV1',
			'http://localhost:3000/external-api',
		],
		[
			'Platform: OAuth apps on platform.agpt.co',
			{ platform: 'oauthApps' },
			'broker',
			'https://platform.agpt.co/api/external/v1',
		],
		[
			'Platform: OAuth apps with an /external-api/v1 address (the reference mount)',
			{ apiUrl: 'https://ref.example.com/external-api/v1', platform: 'oauthApps' },
			'broker',
			'https://ref.example.com/external-api/v1',
		],
	];

	test.each(cases)('%s', (_name, credentials, profile, apiUrl) => {
		expect(resolveConnection(false, credentials)).toMatchObject({ profile, apiUrl });
	});

	test.each(cases)('the credential test agrees: %s', (_name, credentials, profile, apiUrl) => {
		const url = String(new AutoGptApi().test.request.url);
		const tested = Expression.resolveWithoutWorkflow(url.slice(1), { $credentials: credentials });
		expect(tested).toBe(
			profile === 'liveV1' ? `${apiUrl}/v1/me` : `${apiUrl}/executions/capabilities`,
		);
	});

	test('OAuth2 always reaches the platform with OAuth apps (n8n cannot sign in to today’s)', () => {
		expect(resolveConnection(true, { platformUrl: 'https://platform.agpt.co' }).profile).toBe(
			'broker',
		);
	});
});

describe('what each platform lacks', () => {
	test.each([
		['liveV1', 'execution', 'cancel', /Stop the run in AutoGPT/],
		['liveV1', 'grant', 'getAll', /Integration Credential/],
		['liveV1', 'connect', 'createLink', /Connect accounts in AutoGPT itself/],
		['liveV1', 'account', 'getCapabilities', /Account → Get/],
		['liveV1', 'trigger', undefined, /Send Web Request block/],
		['broker', 'block', 'execute', /API key of that platform/],
		['broker', 'store', 'search', /API key of that platform/],
		['broker', 'integrationCredential', 'getAll', /Grant → Get Many/],
		['broker', 'account', 'get', /Get Capabilities/],
	] as const)('%s lacks %s %s', (profile, resource, operation, instead) => {
		expect(unavailableOn(profile, resource, operation)).toMatch(instead);
	});

	test.each([
		['liveV1', 'agent', 'execute'],
		['liveV1', 'execution', 'wait'],
		['liveV1', 'account', 'get'],
		['broker', 'execution', 'cancel'],
		['broker', 'grant', 'getAll'],
		['broker', 'trigger', undefined],
	] as const)('%s serves %s %s', (profile, resource, operation) => {
		expect(unavailableOn(profile, resource, operation)).toBeUndefined();
	});

	test('only a route-level 404 (or a 410 on today’s platform) is a wrong platform', () => {
		expect(wrongPlatformHint('liveV1', false, 404, 'Not Found')).toMatch(/Platform to that/);
		expect(wrongPlatformHint('broker', false, 404, 'Not Found')).toMatch(/Platform to AutoGPT/);
		expect(wrongPlatformHint('broker', true, 404, 'Not Found')).toMatch(/OAuth2.*API key/);
		expect(wrongPlatformHint('liveV1', false, 410, 'Gone')).toMatch(/2026-12-31.*Update/);
		expect(
			wrongPlatformHint('liveV1', false, 404, 'Graph execution #x not found.'),
		).toBeUndefined();
		expect(wrongPlatformHint('broker', false, 404, 'Execution not found')).toBeUndefined();
		expect(wrongPlatformHint('broker', false, 410, 'Gone')).toBeUndefined();
		// Only a 404 in the framework's own words: a proxy that answers 405 "Not Found" is not a sign
		// of the wrong platform.
		expect(wrongPlatformHint('liveV1', false, 405, 'Not Found')).toBeUndefined();
	});
});

describe('v1 results as an execution record', () => {
	const node = (output: Record<string, unknown>) => ({ node_id: 'n-1', input: {}, output });

	test('output [{name: value}] becomes outputs {name: [values]}, in order', () => {
		expect(
			executionRecordOf({
				execution_id: 'e-1',
				status: 'COMPLETED',
				nodes: [node({ output: ['x'] })],
				output: [{ a: 'x' }, { b: 'y' }, { a: 'z' }],
			}),
		).toEqual({
			execution_id: 'e-1',
			status: 'COMPLETED',
			outputs: { a: ['x', 'z'], b: ['y'] },
			error: null,
			nodes: [node({ output: ['x'] })],
		});
	});

	test('no outputs before COMPLETED; a FAILED run joins its blocks’ errors', () => {
		const failed = executionRecordOf({
			execution_id: 'e-1',
			status: 'FAILED',
			nodes: [node({ error: ['quota'] }), { ...node({ error: [{ code: 7 }] }), node_id: 'n-2' }],
			output: null,
		});
		expect(failed).toMatchObject({
			outputs: null,
			error: 'quota; {"code":7}',
			block_errors: [
				{ node_id: 'n-1', error: 'quota' },
				{ node_id: 'n-2', error: '{"code":7}' },
			],
		});
	});

	test('a COMPLETED run keeps its block errors but no error', () => {
		const completed = executionRecordOf({
			execution_id: 'e-1',
			status: 'COMPLETED',
			nodes: [node({ error: 'one' })],
			output: [],
		});
		expect(completed).toMatchObject({
			outputs: {},
			error: null,
			block_errors: [{ node_id: 'n-1', error: 'one' }],
		});
	});
});

describe('naming an agent on today’s platform', () => {
	test.each([
		['creator/agent-name', { ok: true, creator: 'creator', agentName: 'agent-name' }],
		[' auto.gpt/my_agent/ ', { ok: true, creator: 'auto.gpt', agentName: 'my_agent' }],
		[
			'https://platform.agpt.co/marketplace/agent/creator/agent%20name?ref=x',
			{ ok: true, creator: 'creator', agentName: 'agent name' },
		],
		['just-a-name', { ok: false }],
		['https://platform.agpt.co/build?flowID=1', { ok: false }],
		// words before a store address: not an address, and no creator/agent-name either
		['see https://platform.agpt.co/marketplace/agent/creator/agent-name', { ok: false }],
	])('store agent %j', (value, expected) => {
		expect(parseStoreAgent(value)).toMatchObject(expected);
	});

	test.each([
		['', { kind: 'unset' }],
		['latest', { kind: 'latest' }],
		['LATEST', { kind: 'latest' }],
		[3, { kind: 'number', version: 3 }],
		['v12', { kind: 'number', version: 12 }],
		['0', { kind: 'invalid', text: '0' }],
		['two', { kind: 'invalid', text: 'two' }],
		[' v4 ', { kind: 'number', version: 4 }],
		['V7', { kind: 'number', version: 7 }],
		['1', { kind: 'number', version: 1 }],
		['4v', { kind: 'invalid', text: '4v' }],
		['v', { kind: 'invalid', text: 'v' }],
		['1.5', { kind: 'invalid', text: '1.5' }],
		[undefined, { kind: 'unset' }],
		[null, { kind: 'unset' }],
	])('version %j', (value, expected) => {
		expect(parseVersion(value)).toEqual(expected);
	});

	test('the version of a builder URL', () => {
		expect(builderUrlVersion('https://platform.agpt.co/build?flowID=abc&flowVersion=4')).toBe(4);
		expect(builderUrlVersion('https://platform.agpt.co/build?flowID=abc')).toBeUndefined();
		expect(builderUrlVersion('not a url')).toBeUndefined();
		expect(builderUrlVersion(' https://platform.agpt.co/build?flowID=abc&flowVersion=v2\n')).toBe(
			2,
		);
		expect(
			builderUrlVersion('https://platform.agpt.co/build?flowID=abc&flowVersion=0'),
		).toBeUndefined();
	});

	test('a store agent’s latest version is the highest number, not the last in text order', () => {
		expect(pickStoreVersion(['1', '10', '9', '2'], { kind: 'unset' })).toEqual({
			ok: true,
			version: 10,
		});
		expect(pickStoreVersion(['1', '2'], { kind: 'latest' })).toEqual({ ok: true, version: 2 });
		expect(pickStoreVersion(['1', '2'], { kind: 'number', version: 1 })).toEqual({
			ok: true,
			version: 1,
		});
		expect(pickStoreVersion(['1', '2'], { kind: 'number', version: 5 })).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/versions 1, 2 of this agent, not 5/),
		});
		expect(pickStoreVersion([], { kind: 'unset' })).toMatchObject({ ok: false });
	});

	test('a store version that is no whole number from 1 up is never picked', () => {
		expect(pickStoreVersion(['2', '2.5', 'draft', '0'], { kind: 'latest' })).toEqual({
			ok: true,
			version: 2,
		});
		expect(pickStoreVersion(['0', '-1', 'draft'], { kind: 'unset' })).toEqual({
			ok: false,
			reason: 'The store lists no version of this agent that can be run.',
		});
	});
});
