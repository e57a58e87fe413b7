// Headless Chromium (Debian's package) driven by playwright-core, and the steps the tests take in the
// n8n editor. Selectors are n8n 2.40's data-test-id attributes.
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test harness, not node code: it runs processes, files and the network on purpose */
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { ARTIFACTS_DIR, type SandboxInfo } from './harness';

export const CHROMIUM = process.env.N8N_E2E_CHROMIUM ?? '/usr/bin/chromium';

export interface Browser {
	context: BrowserContext;
	page: Page;
	close: () => Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set N8N_E2E_CHROMIUM)`,
		);
	}
	const profile = mkdtempSync(join(tmpdir(), 'n8n-nodes-autogpt-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1440, height: 900 },
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	// A busy machine (several n8n stacks at once) takes 20–30 s to load the editor.
	context.setDefaultTimeout(90_000);
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		context,
		page,
		close: async () => {
			await context.close().catch(() => {});
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

export function artifact(name: string): string {
	return join(ARTIFACTS_DIR, name);
}

export async function signIn(
	page: Page,
	n8nUrl: string,
	owner: { email: string; password: string },
): Promise<void> {
	await page.goto(`${n8nUrl}/signin`);
	await page.fill('#emailOrLdapLoginId', owner.email);
	await page.fill('#password', owner.password);
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
}

/** Credentials → Create credential → "AutoGPT OAuth2 API", fields filled, saved. Leaves the modal open. */
export async function createOAuth2CredentialInEditor(
	page: Page,
	n8nUrl: string,
	sandbox: SandboxInfo,
): Promise<void> {
	await page.goto(`${n8nUrl}/home/credentials/create`);
	await page.fill('[data-test-id=new-credential-type-select] input', 'AutoGPT OAuth2');
	await page.click(
		'[data-test-id=new-credential-type-select-option]:has-text("AutoGPT OAuth2 API")',
	);
	await page.click('[data-test-id=new-credential-type-button]');
	const fill = async (name: string, value: string) => {
		await page.locator(`[data-test-id=parameter-input-${name}] input`).fill(value);
	};
	await fill('clientId', sandbox.clientId);
	await fill('clientSecret', sandbox.clientSecret);
	await fill('platformUrl', sandbox.url);
	await fill('apiUrl', sandbox.apiUrl);
	await fill('webhookSecret', sandbox.webhookSecret);
	// Connect saves the credential again, and creates a second one while the first save is still on
	// its way: wait until n8n has the credential's ID (its POST answered, the button done saving).
	const created = page.waitForResponse(
		(response) =>
			response.request().method() === 'POST' &&
			new URL(response.url()).pathname === '/rest/credentials',
	);
	await page.click('[data-test-id=credential-save-button]');
	const answer = await created;
	if (!answer.ok()) throw new Error(`saving the credential answered ${answer.status()}`);
	// n8n keeps the ID in the same step that ends "Saving".
	await page
		.locator('[data-test-id=credential-save-button]', { hasText: 'Saving' })
		.waitFor({ state: 'detached' });
	await page.waitForSelector('[data-test-id=oauth-not-connected-banner]', { state: 'visible' });
}

export interface ConsentOutcome {
	/** The page n8n's OAuth callback rendered in the popup. */
	callbackPage: string;
	callbackUrl: string;
}

/**
 * Presses Connect in the open credential modal, answers the platform's consent page in the popup
 * and returns what n8n's callback rendered there.
 */
export async function connectInEditor(
	browser: Browser,
	decision: 'approve' | 'deny',
	screenshots: { consent?: string; callback?: string } = {},
): Promise<ConsentOutcome> {
	const { context, page } = browser;
	let callbackUrl = '';
	const callbackPage = new Promise<string>((resolve) => {
		const listener = (response: import('playwright-core').Response) => {
			if (!response.url().includes('/rest/oauth2-credential/callback')) return;
			callbackUrl = response.url();
			context.off('response', listener);
			response.text().then(resolve, () => resolve(''));
		};
		context.on('response', listener);
	});
	const popupOpened = context.waitForEvent('page');
	await page
		.locator('[data-test-id=oauth-not-connected-banner] button:has-text("Connect")')
		.click();
	const popup = await popupOpened;
	await popup.waitForSelector(`#${decision}`);
	if (screenshots.consent) await popup.screenshot({ path: screenshots.consent });
	await popup.click(`#${decision}`);
	const html = await callbackPage;
	if (screenshots.callback && !popup.isClosed()) {
		await popup.waitForLoadState('load').catch(() => {});
		await popup.screenshot({ path: screenshots.callback }).catch(() => {});
	}
	if (!popup.isClosed()) await popup.close().catch(() => {});
	return { callbackPage: html, callbackUrl };
}

/** The node creator's search, in the trigger panel of an empty workflow or after a first node. */
export async function searchNodePanel(
	page: Page,
	n8nUrl: string,
	query: string,
	screenshot?: string,
): Promise<{ triggers: string[]; actions: string[] }> {
	await page.goto(`${n8nUrl}/workflow/new`);
	await page.click('[data-test-id=canvas-add-button]');
	await page.fill('[data-test-id=node-creator-search-bar]', query);
	await page.waitForTimeout(800);
	const triggers = await page.locator('[data-test-id=node-creator-item-name]').allInnerTexts();
	if (screenshot) await page.screenshot({ path: screenshot });
	// A first step (Manual Trigger), then the panel for what comes next.
	await page.fill('[data-test-id=node-creator-search-bar]', 'Manual Trigger');
	await page.waitForTimeout(500);
	await page.keyboard.press('Enter');
	await page.waitForSelector('[data-test-id=canvas-node]');
	await page.keyboard.press('Escape');
	await page.click('[data-test-id=node-creator-plus-button]');
	await page.fill('[data-test-id=node-creator-search-bar]', query);
	await page.waitForTimeout(800);
	const actions = await page.locator('[data-test-id=node-creator-item-name]').allInnerTexts();
	return { triggers: triggers.map((t) => t.trim()), actions: actions.map((t) => t.trim()) };
}
