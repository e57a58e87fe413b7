import nock from 'nock';

import {
	apiKeyCredentials,
	oauthCredentials,
	runAutoGpt,
	TestCredentialsHelper,
} from '../../helpers/workflow';

const PLATFORM = 'https://platform.test';
const API = `${PLATFORM}/api/external/v1`;
const apiKey = () =>
	new TestCredentialsHelper({ autoGptApi: apiKeyCredentials('agpt_key', PLATFORM) });
const oauth = () =>
	new TestCredentialsHelper({
		autoGptOAuth2Api: oauthCredentials({
			platformUrl: PLATFORM,
			clientId: 'client-1',
			clientSecret: 'secret',
			accessToken: 'token',
		}),
	});

const grant = (id: string, provider: string) => ({
	id,
	provider,
	granted_scopes: [`${provider}:read`],
	permissions: ['USE', 'DELETE'],
	created_at: '2026-12-31T23:59:59.999999+00:00',
	last_used_at: null,
	expires_at: null,
});

beforeEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());

describe('Execution', () => {
	test('Get returns the record for each item, paired', async () => {
		nock(API).get('/executions/ex-1').reply(200, { execution_id: 'ex-1', status: 'RUNNING' });
		nock(API)
			.get('/executions/ex-2')
			.reply(200, { execution_id: 'ex-2', status: 'COMPLETED', outputs: { x: [1] } });
		const result = await runAutoGpt({
			credentials: apiKey(),
			parameters: {
				resource: 'execution',
				operation: 'get',
				executionId: '={{ $json.id }}',
				simplify: false,
			},
			inputItems: [{ id: 'ex-1' }, { id: 'ex-2' }],
		});
		expect(result.items).toEqual([
			{ json: { execution_id: 'ex-1', status: 'RUNNING' }, pairedItem: { item: 0 } },
			{
				json: { execution_id: 'ex-2', status: 'COMPLETED', outputs: { x: [1] } },
				pairedItem: { item: 1 },
			},
		]);
	});

	test('Get of a failed execution keeps the error in the simplified item', async () => {
		nock(API).get('/executions/ex-f').reply(200, {
			execution_id: 'ex-f',
			status: 'FAILED',
			started_at: '2026-12-31T23:59:58.000001+00:00',
			completed_at: '2027-01-01T00:00:01+00:00',
			outputs: {},
			error: 'Tool crashed: quota exceeded',
		});
		const result = await runAutoGpt({
			credentials: apiKey(),
			parameters: { resource: 'execution', operation: 'get', executionId: 'ex-f' },
		});
		expect(result.items[0].json).toEqual({
			execution_id: 'ex-f',
			status: 'failed',
			outputs: {},
			error: 'Tool crashed: quota exceeded',
		});
	});

	test('Get of an unknown execution says 404 and what to check', async () => {
		nock(API).get('/executions/nope').reply(404, { detail: 'Execution not found' });
		const result = await runAutoGpt({
			credentials: apiKey(),
			parameters: { resource: 'execution', operation: 'get', executionId: 'nope' },
		});
		expect(result.error?.message).toBe(
			'Could not get execution nope: AutoGPT answered 404 Not Found — Execution not found. Check the ID: the platform does not know it, or it was revoked or has expired.',
		);
		expect(result.error?.description).toMatch(/Check the ID/);
		expect(result.error?.httpCode).toBe('404');
	});

	test('an empty Execution ID is refused with the item index', async () => {
		nock(API).get('/executions/ex-1').reply(200, { execution_id: 'ex-1', status: 'RUNNING' });
		const result = await runAutoGpt({
			credentials: apiKey(),
			parameters: { resource: 'execution', operation: 'get', executionId: '={{ $json.id }}' },
			inputItems: [{ id: 'ex-1' }, {}],
			continueOnFail: true,
		});
		expect(result.items[1]).toEqual({
			json: {
				error: 'Execution ID is empty: give the execution_id that Agent → Execute returned',
				description: 'Map the execution_id returned by Execute Agent into Execution ID.',
			},
			pairedItem: { item: 1 },
		});
	});

	test('Wait polls until the end', async () => {
		nock(API).get('/executions/ex-1').reply(200, { execution_id: 'ex-1', status: 'queued' });
		nock(API).get('/executions/ex-1').reply(200, { execution_id: 'ex-1', status: 'running' });
		nock(API)
			.get('/executions/ex-1')
			.reply(200, { execution_id: 'ex-1', status: 'completed', outputs: { answer: ['done'] } });
		const result = await runAutoGpt({
			credentials: apiKey(),
			parameters: {
				resource: 'execution',
				operation: 'wait',
				executionId: 'ex-1',
				options: { pollInterval: 0.25 },
			},
		});
		expect(result.items[0].json).toEqual({
			execution_id: 'ex-1',
			status: 'completed',
			outputs: { answer: 'done' },
		});
	});

	test('Cancel returns the platform answer', async () => {
		nock(API)
			.post('/executions/ex-1/cancel')
			.reply(200, { message: 'Execution terminated', execution_id: 'ex-1' });
		const result = await runAutoGpt({
			credentials: apiKey(),
			parameters: { resource: 'execution', operation: 'cancel', executionId: 'ex-1' },
		});
		expect(result.items[0].json).toEqual({ message: 'Execution terminated', execution_id: 'ex-1' });
	});

	test('Cancel of an ended execution is a clear error', async () => {
		nock(API)
			.post('/executions/ex-1/cancel')
			.reply(400, { detail: 'Cannot cancel execution with status COMPLETED' });
		const result = await runAutoGpt({
			credentials: apiKey(),
			parameters: { resource: 'execution', operation: 'cancel', executionId: 'ex-1' },
		});
		expect(result.error?.message).toBe(
			'Could not cancel execution ex-1: AutoGPT answered 400 Bad Request — Cannot cancel execution with status COMPLETED. Only a queued or running execution can be cancelled; this one has already ended. Use Execution → Get to see its final status.',
		);
		expect(result.error?.description).toMatch(
			/Only a queued or running execution can be cancelled/,
		);
	});
});

describe('Grant', () => {
	const grants = [grant('g-1', 'google'), grant('g-2', 'github'), grant('g-3', 'notion')];

	test('Get Many with a limit', async () => {
		nock(API, { reqheaders: { authorization: 'Bearer token' } })
			.get('/grants/')
			.reply(200, grants);
		const result = await runAutoGpt({
			credentials: oauth(),
			parameters: { authentication: 'oAuth2', resource: 'grant', operation: 'getAll', limit: 2 },
		});
		expect(result.items.map((item) => item.json.id)).toEqual(['g-1', 'g-2']);
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(
			true,
		);
	});

	test('Get Many over several input items pairs each grant with the item it was listed for', async () => {
		nock(API).get('/grants/').times(2).reply(200, grants);
		const result = await runAutoGpt({
			credentials: oauth(),
			parameters: {
				authentication: 'oAuth2',
				resource: 'grant',
				operation: 'getAll',
				limit: 2,
			},
			inputItems: [{ user: 'a' }, { user: 'b' }],
		});
		expect(result.items.map((item) => [item.json.id, item.pairedItem])).toEqual([
			['g-1', { item: 0 }],
			['g-2', { item: 0 }],
			['g-1', { item: 1 }],
			['g-2', { item: 1 }],
		]);
	});

	test('Get Many with Return All', async () => {
		nock(API).get('/grants/').reply(200, grants);
		const result = await runAutoGpt({
			credentials: oauth(),
			parameters: {
				authentication: 'oAuth2',
				resource: 'grant',
				operation: 'getAll',
				returnAll: true,
			},
		});
		expect(result.items).toHaveLength(3);
	});

	test('grants with an API key: the 403 says what to change', async () => {
		nock(API).get('/grants/').reply(403, { detail: 'Grants require an OAuth client' });
		const result = await runAutoGpt({
			credentials: apiKey(),
			parameters: { resource: 'grant', operation: 'getAll' },
		});
		expect(result.error?.message).toBe(
			'Could not list grants: AutoGPT answered 403 Forbidden — Grants require an OAuth client. The credential lacks a scope or permission for this, or a grant does not allow it. Check the scopes of the credential and the grant IDs.',
		);
	});

	/** A grant operation on the grant typed by ID. */
	const runGrant = (operation: string, value: string) =>
		runAutoGpt({
			credentials: oauth(),
			parameters: {
				authentication: 'oAuth2',
				resource: 'grant',
				operation,
				grantId: { __rl: true, mode: 'id', value },
			},
		});

	// a grant ID typed with spaces around it is trimmed
	test.each(['g-1', '  g-1 '])('Get one grant: %j', async (value) => {
		const detail = {
			...grant('g-1', 'google'),
			credential_id: 'c-1',
			updated_at: null,
			revoked_at: null,
		};
		nock(API).get('/grants/g-1').reply(200, detail);
		const result = await runGrant('get', value);
		expect(result.items[0].json).toEqual(detail);
	});

	test('an empty grant is refused before any request, naming the item', async () => {
		const result = await runGrant('get', ' ');
		expect(result.error?.message).toBe(
			'Grant is empty: choose a grant from the list or enter its ID (from Grant → Get Many)',
		);
		expect(result.error?.description).toBe(
			'Choose a grant from the list or enter its ID (from Grant → Get Many).',
		);
		expect(result.error?.context?.itemIndex).toBe(0);
	});

	test('Delete Credential', async () => {
		nock(API)
			.delete('/grants/g-1/credential')
			.reply(200, { message: 'Credential deleted successfully' });
		const result = await runAutoGpt({
			credentials: oauth(),
			parameters: {
				authentication: 'oAuth2',
				resource: 'grant',
				operation: 'deleteCredential',
				grantId: { __rl: true, mode: 'list', value: 'g-1' },
			},
		});
		expect(result.items).toEqual([
			{ json: { deleted: true, grant_id: 'g-1' }, pairedItem: { item: 0 } },
		]);
	});

	test('Delete Credential answered 503 is sent again (a DELETE may be repeated)', async () => {
		const scope = nock(API)
			.delete('/grants/g-1/credential')
			.reply(503, { detail: 'busy' })
			.delete('/grants/g-1/credential')
			.reply(200, { message: 'deleted' });
		const result = await runGrant('deleteCredential', 'g-1');
		expect(result.items.map((item) => item.json)).toEqual([{ deleted: true, grant_id: 'g-1' }]);
		expect(scope.isDone()).toBe(true);
	});

	test('Delete Credential without the DELETE permission', async () => {
		nock(API)
			.delete('/grants/g-2/credential')
			.reply(403, { detail: 'Grant does not have DELETE permission' });
		const result = await runGrant('deleteCredential', 'g-2');
		expect(result.error?.message).toBe(
			'Could not delete the credential of grant g-2: AutoGPT answered 403 Forbidden — Grant does not have DELETE permission. The credential lacks a scope or permission for this, or a grant does not allow it. Check the scopes of the credential and the grant IDs.',
		);
	});
});

describe('Account and Connect', () => {
	test('Get Capabilities', async () => {
		const answer = {
			user_id: 'u-1',
			client_id: null,
			grants: [],
			available_scopes: ['agents:execute'],
		};
		nock(API).get('/executions/capabilities').reply(200, answer);
		const result = await runAutoGpt({
			credentials: apiKey(),
			parameters: { resource: 'account', operation: 'getCapabilities' },
		});
		expect(result.items[0].json).toEqual(answer);
	});

	test('Create Connect Link builds the §5 URL without any request', async () => {
		const result = await runAutoGpt({
			credentials: oauth(),
			parameters: {
				authentication: 'oAuth2',
				resource: 'connect',
				operation: 'createLink',
				provider: 'github',
				scopes: ['github:repo.read', 'github:user.read'],
				redirectOrigin: 'https://app.example.com/some/page',
				nonce: 'n-1',
			},
		});
		expect(result.items[0].json).toEqual({
			url: 'https://platform.test/connect/github?client_id=client-1&scopes=github%3Arepo.read%2Cgithub%3Auser.read&nonce=n-1&redirect_origin=https%3A%2F%2Fapp.example.com',
			nonce: 'n-1',
			provider: 'github',
			scopes: ['github:repo.read', 'github:user.read'],
		});
	});

	test('Create Connect Link asks for every scope of the provider by default and makes a nonce', async () => {
		const result = await runAutoGpt({
			credentials: oauth(),
			parameters: {
				authentication: 'oAuth2',
				resource: 'connect',
				operation: 'createLink',
				provider: 'slack',
				redirectOrigin: 'https://app.example.com',
			},
		});
		expect(result.items[0].json.scopes).toEqual(['slack:read', 'slack:write']);
		expect(result.items[0].json.nonce).toMatch(/^[0-9a-f]{32}$/);
	});

	test('Create Connect Link needs the OAuth2 credential', async () => {
		const result = await runAutoGpt({
			credentials: apiKey(),
			parameters: {
				resource: 'connect',
				operation: 'createLink',
				provider: 'google',
				redirectOrigin: 'https://app.example.com',
			},
		});
		expect(result.error?.message).toBe(
			'Create Connect Link needs the AutoGPT OAuth2 credential: switch Authentication to OAuth2',
		);
	});

	test('a scope of another provider is refused', async () => {
		const result = await runAutoGpt({
			credentials: oauth(),
			parameters: {
				authentication: 'oAuth2',
				resource: 'connect',
				operation: 'createLink',
				provider: 'google',
				scopes: ['slack:read'],
				redirectOrigin: 'https://a.example',
			},
		});
		expect(result.error?.message).toMatch(
			/^Scope "slack:read" does not belong to google: choose among google:gmail.readonly, /,
		);
	});
});
