// Contract §5: the connect page makes a grant and posts `autogpt_connect_result` to the opener.
import type { Sandbox } from './server';
import { admin, bearer, call, getTokens, postForm, startTestSandbox } from './testkit';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(() => sandbox.stop());
afterEach(() => admin(sandbox, 'POST', 'reset'));

const ORIGIN = 'http://localhost:5678';

function connectUrl(provider: string, overrides: Record<string, string | null> = {}) {
	const params: Record<string, string | null> = {
		client_id: sandbox.info.clientId,
		scopes: provider === 'notion' ? 'notion:read,notion:write' : 'google:drive.read',
		nonce: 'nonce-42',
		redirect_origin: ORIGIN,
		...overrides,
	};
	const query = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) if (value !== null) query.set(key, value);
	return `${sandbox.url}/connect/${provider}?${query}`;
}

/** The result the page posts, read from its #connect-result element. */
function postedResult(html: string) {
	const json = /<script type="application\/json" id="connect-result">(.*?)<\/script>/s.exec(
		html,
	)?.[1];
	if (!json) throw new Error(`no connect result in: ${html.slice(0, 300)}`);
	return JSON.parse(json);
}

describe('§5 connect page', () => {
	it('shows a Connect button; connecting makes a grant and posts the result to redirect_origin', async () => {
		const page = await call(connectUrl('notion'));
		expect(page.status).toBe(200);
		expect(page.text).toMatch(/<button[^>]*id="connect"[^>]*>Connect<\/button>/);
		const connectToken = /name="connect_token" value="([^"]+)"/.exec(page.text)![1];

		const done = await postForm(`${sandbox.url}/connect/notion/approve`, {
			connect_token: connectToken,
			action: 'approve',
		});
		expect(done.status).toBe(200);
		const result = postedResult(done.text);
		expect(result).toEqual({
			type: 'autogpt_connect_result',
			success: true,
			nonce: 'nonce-42',
			grant_id: expect.any(String),
			credential_id: expect.any(String),
			provider: 'notion',
		});
		expect(done.text).toContain(`window.opener.postMessage(result, "${ORIGIN}")`);

		const tokens = await getTokens(sandbox, 'integrations:list');
		const grant = await call(`${sandbox.apiUrl}/grants/${result.grant_id}`, {
			headers: bearer(tokens.access_token),
		});
		expect(grant.status).toBe(200);
		expect(grant.json).toMatchObject({
			provider: 'notion',
			credential_id: result.credential_id,
			granted_scopes: ['notion:read', 'notion:write'],
		});
	});

	it('approve mode connects at once; Cancel and deny mode post access_denied', async () => {
		await admin(sandbox, 'POST', 'consent', { mode: 'approve' });
		const approved = postedResult((await call(connectUrl('google'))).text);
		expect(approved).toMatchObject({ success: true, provider: 'google', nonce: 'nonce-42' });

		await admin(sandbox, 'POST', 'consent', { mode: 'deny' });
		const denied = postedResult((await call(connectUrl('google'))).text);
		expect(denied).toMatchObject({ success: false, nonce: 'nonce-42', error: 'access_denied' });

		await admin(sandbox, 'POST', 'consent', { mode: 'manual' });
		const page = await call(connectUrl('google'));
		const connectToken = /name="connect_token" value="([^"]+)"/.exec(page.text)![1];
		const cancelled = await postForm(`${sandbox.url}/connect/google/approve`, {
			connect_token: connectToken,
			action: 'deny',
		});
		expect(postedResult(cancelled.text)).toMatchObject({ success: false, error: 'access_denied' });
	});

	it('checks the provider and its scopes', async () => {
		const unknownProvider = await call(connectUrl('myspace', { scopes: 'myspace:read' }));
		expect(unknownProvider.status).toBe(400);
		expect(postedResult(unknownProvider.text)).toMatchObject({
			success: false,
			error: 'invalid_request',
		});

		const wrongScope = await call(
			connectUrl('google', { scopes: 'google:drive.read,github:repo.read' }),
		);
		expect(postedResult(wrongScope.text)).toMatchObject({
			success: false,
			error: 'invalid_scope',
			nonce: 'nonce-42',
		});
	});

	it('answers 422 without a parameter, and refuses an unknown client or a foreign origin', async () => {
		const missing = await call(connectUrl('google', { nonce: null }));
		expect(missing.status).toBe(422);
		expect(missing.json.detail[0]).toEqual({
			loc: ['query', 'nonce'],
			msg: 'Field required',
			type: 'missing',
		});

		const unknownClient = await call(connectUrl('google', { client_id: 'agpt_client_nobody' }));
		expect(unknownClient.status).toBe(404);
		expect(unknownClient.text).toContain('Application Not Found');
		expect(unknownClient.text).not.toContain('postMessage');

		const foreign = await call(
			connectUrl('google', { redirect_origin: 'https://evil.example.net' }),
		);
		expect(foreign.status).toBe(400);
		expect(foreign.text).not.toContain('postMessage');
	});
});
