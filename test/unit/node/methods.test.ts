// The lists the AutoGPT node offers while a user fills in its parameters (list search and load
// options), run in n8n-core's load-options context against a mocked platform: what the dropdown
// shows, what the search box keeps, and the reason a list is refused on the other platform.
import nock from 'nock';
import type { INodeListSearchResult } from 'n8n-workflow';

import { listSearch, loadOptions } from '../../../nodes/AutoGpt/methods';
import {
	apiKeyCredentials,
	loadOptionsContext,
	TestCredentialsHelper,
} from '../../helpers/workflow';

/** A platform with OAuth apps and credential grants (the API key's Platform left on Automatic). */
const BROKER = 'https://platform.test';
const BROKER_API = `${BROKER}/api/external/v1`;
/** Today's platform.agpt.co: the credential's default Platform URL. */
const LIVE_API = 'https://backend.agpt.co/external-api';

const on = (platformUrl: string, parameters = {}) =>
	loadOptionsContext({
		credentials: new TestCredentialsHelper({
			autoGptApi: apiKeyCredentials('agpt_key', platformUrl),
		}),
		parameters,
	});
const broker = (parameters = {}) => on(BROKER, parameters);
const live = () => on('https://platform.agpt.co');

const grant = (id: string, provider: string, scopes: string[]) => ({
	id,
	provider,
	granted_scopes: scopes,
	permissions: ['USE'],
	created_at: '2026-12-31T23:59:59.999999+00:00',
	last_used_at: null,
	expires_at: null,
});
const GRANTS = [
	grant('g-1', 'google', ['google:gmail.readonly', 'google:sheets.read']),
	grant('g-2', 'github', ['github:repo']),
];

const names = (list: INodeListSearchResult) => list.results.map((result) => result.name);

beforeEach(() => {
	nock.cleanAll();
	nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());

describe('Grant: the list to pick from', () => {
	test('shows each grant as its provider and ID, its scopes beside it', async () => {
		nock(BROKER_API).get('/grants/').reply(200, GRANTS);

		expect(await loadOptions.getGrants.call(broker())).toEqual([
			{
				name: 'google (g-1)',
				value: 'g-1',
				description: 'google:gmail.readonly, google:sheets.read',
			},
			{ name: 'github (g-2)', value: 'g-2', description: 'github:repo' },
		]);
	});

	test('the search keeps the grants whose provider or ID holds the text, in any case', async () => {
		nock(BROKER_API).get('/grants/').times(3).reply(200, GRANTS);

		expect(await listSearch.searchGrants.call(broker(), 'GOOG')).toEqual({
			results: [{ name: 'google (g-1)', value: 'g-1' }],
		});
		expect(names(await listSearch.searchGrants.call(broker(), 'g-2'))).toEqual(['github (g-2)']);
		expect(names(await listSearch.searchGrants.call(broker()))).toEqual([
			'google (g-1)',
			'github (g-2)',
		]);
	});

	test("on today's platform, says grants do not exist there and what to use, asking nothing", async () => {
		await expect(listSearch.searchGrants.call(live())).rejects.toThrow(
			"Credential grants exist only on a platform with OAuth apps; today's AutoGPT platform (platform.agpt.co) has none.",
		);
		await expect(loadOptions.getGrants.call(live())).rejects.toThrow('Integration Credential');
		expect(nock.pendingMocks()).toEqual([]);
	});
});

describe('Block: the search', () => {
	const BLOCKS = [
		{ id: 'b-1', name: 'Send Email', description: 'Sends an email through Gmail' },
		{ id: 'b-2', name: 'Read Sheet', description: 'Reads rows of a Google Sheet' },
		{ id: 'b-3', name: 'Wait' },
	];

	test('keeps the blocks whose name or description holds the text, trimmed, in any case', async () => {
		nock(LIVE_API).get('/v1/blocks').times(4).reply(200, BLOCKS);

		expect(await listSearch.searchBlocks.call(live(), '  GMAIL ')).toEqual({
			results: [{ name: 'Send Email', value: 'b-1', description: 'Sends an email through Gmail' }],
		});
		expect(names(await listSearch.searchBlocks.call(live(), 'sheet'))).toEqual(['Read Sheet']);
		// a block without a description is searched by its name alone
		expect(names(await listSearch.searchBlocks.call(live(), 'e'))).toEqual([
			'Send Email',
			'Read Sheet',
		]);
		expect(names(await listSearch.searchBlocks.call(live(), ' '))).toEqual([
			'Send Email',
			'Read Sheet',
			'Wait',
		]);
	});

	test('on a platform with OAuth apps, says blocks are served by today’s platform', async () => {
		await expect(listSearch.searchBlocks.call(broker(), 'x')).rejects.toThrow(
			"Blocks are served by today's AutoGPT platform",
		);
	});
});

describe('Integration Credential: the search', () => {
	const CREDENTIALS = [
		{ id: 'c-1', provider: 'github', type: 'oauth2', title: 'Work account' },
		{ id: 'c-2', provider: 'google', type: 'oauth2', title: null },
		{ id: 'c-3', provider: 'notion', type: 'api_key' },
	];

	test('shows provider and title (the ID when untitled) and keeps those holding the text', async () => {
		nock(LIVE_API).get('/v1/integrations/credentials').times(5).reply(200, CREDENTIALS);

		expect(await listSearch.searchIntegrationCredentials.call(live())).toEqual({
			results: [
				{ name: 'github: Work account', value: 'c-1' },
				{ name: 'google: c-2', value: 'c-2' },
				{ name: 'notion: c-3', value: 'c-3' },
			],
		});
		expect(names(await listSearch.searchIntegrationCredentials.call(live(), 'WORK'))).toEqual([
			'github: Work account',
		]);
		expect(names(await listSearch.searchIntegrationCredentials.call(live(), 'Goo'))).toEqual([
			'google: c-2',
		]);
		expect(names(await listSearch.searchIntegrationCredentials.call(live(), 'c-3'))).toEqual([
			'notion: c-3',
		]);
		// an untitled one is searched by its provider and ID alone
		expect(names(await listSearch.searchIntegrationCredentials.call(live(), 'e'))).toEqual([
			'google: c-2',
		]);
	});

	test('on a platform with OAuth apps, says where integration credentials are', async () => {
		await expect(listSearch.searchIntegrationCredentials.call(broker())).rejects.toThrow(
			"today's AutoGPT platform",
		);
	});
});

describe('Connect: the scopes offered for the chosen provider', () => {
	test("lists the provider's scopes, and none for a provider it does not know", async () => {
		const google = await loadOptions.getProviderScopes.call(broker({ provider: 'google' }));
		expect(google).toContainEqual({ name: 'google:gmail.send', value: 'google:gmail.send' });
		expect(google.every((option) => option.value.toString().startsWith('google:'))).toBe(true);
		expect(await loadOptions.getProviderScopes.call(broker({ provider: 'nowhere' }))).toEqual([]);
	});
});
