// §2 and §5 in a real browser: the consent page's buttons post back and redirect, and the connect
// popup posts its result to window.opener. Debian's Chromium is installed by the jest global setup.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type Browser, chromium } from 'playwright-core';

import { ensureChromium } from '../setup/chromium';
import type { Sandbox } from './server';
import { admin, authorizeUrl, startTestSandbox } from './testkit';

const CHROMIUM = ensureChromium();

let sandbox: Sandbox;
let browser: Browser;
let app: Server;
let appOrigin: string;

/** The third-party app: a page that opens the connect popup, and the OAuth callback. */
function startApp(): Promise<Server> {
	const server = createServer((request, response) => {
		response.writeHead(200, { 'content-type': 'text/html' });
		if (request.url?.startsWith('/callback')) {
			response.end('<!doctype html><title>callback</title><p id="callback">back at the app</p>');
			return;
		}
		response.end(`<!doctype html><title>app</title><script>
window.connectResults = [];
window.addEventListener('message', (event) => window.connectResults.push({ origin: event.origin, data: event.data }));
</script>`);
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('§2 §5 in a browser', () => {
	beforeAll(async () => {
		sandbox = await startTestSandbox();
		app = await startApp();
		appOrigin = `http://localhost:${(app.address() as AddressInfo).port}`;
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
	});
	afterAll(async () => {
		await browser?.close();
		await new Promise((resolve) => app?.close(resolve));
		await sandbox?.stop();
	});
	afterEach(() => admin(sandbox, 'POST', 'reset'));

	it('clicking Approve lands on the redirect URI with a code', async () => {
		const page = await browser.newPage();
		await page.goto(authorizeUrl(sandbox, { redirect_uri: `${appOrigin}/callback` }));
		await page.getByRole('button', { name: 'Approve' }).click();
		await page.waitForURL(/\/callback\?/);
		const landed = new URL(page.url());
		expect(landed.searchParams.get('code')).toBeTruthy();
		expect(landed.searchParams.get('state')).toBe('state-123');
		await page.close();
	});

	it('clicking Deny lands on the redirect URI with access_denied', async () => {
		const page = await browser.newPage();
		await page.goto(authorizeUrl(sandbox, { redirect_uri: `${appOrigin}/callback` }));
		await page.getByRole('button', { name: 'Deny' }).click();
		await page.waitForURL(/\/callback\?/);
		expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');
		await page.close();
	});

	it('the connect popup posts autogpt_connect_result to its opener', async () => {
		const page = await browser.newPage();
		await page.goto(`${appOrigin}/`);
		const connectUrl = `${sandbox.url}/connect/google?${new URLSearchParams({
			client_id: sandbox.info.clientId,
			scopes: 'google:gmail.readonly,google:drive.read',
			nonce: 'browser-nonce',
			redirect_origin: appOrigin,
		})}`;
		const [popup] = await Promise.all([
			page.waitForEvent('popup'),
			page.evaluate(
				(url) =>
					void (
						globalThis as unknown as {
							open: (url: string, name: string, features: string) => unknown;
						}
					).open(url, 'AutoGPT Connect', 'width=500,height=600'),
				connectUrl,
			),
		]);
		await popup.getByRole('button', { name: 'Connect' }).click();
		await page.waitForFunction(
			() => (globalThis as unknown as { connectResults: unknown[] }).connectResults.length > 0,
		);
		const [message] = await page.evaluate(
			() =>
				(
					globalThis as unknown as {
						connectResults: Array<{ origin: string; data: Record<string, unknown> }>;
					}
				).connectResults,
		);
		expect(message.origin).toBe(sandbox.url);
		expect(message.data).toEqual({
			type: 'autogpt_connect_result',
			success: true,
			nonce: 'browser-nonce',
			grant_id: expect.any(String),
			credential_id: expect.any(String),
			provider: 'google',
		});
		// The user's google account is already granted to this client: that grant is widened.
		expect(sandbox.state.grants.get(String(message.data.grant_id))?.grantedScopes).toEqual(
			expect.arrayContaining(['google:gmail.readonly', 'google:drive.read']),
		);
		await page.close();
	});
});
