// The package as a user meets it in the n8n editor, in headless Chromium: the nodes in the node panel,
// the AutoGPT OAuth2 credential connected through the platform's consent page (PKCE), a workflow
// using it (and, once the access token has expired, refreshing it), a denied consent, and the
// screenshots the README shows (the Wait Mode one is written to docs/ directly).
/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code, never inside n8n: it writes the README's screenshot into docs/ */
import { join } from 'path';

import {
	artifact,
	connectInEditor,
	createOAuth2CredentialInEditor,
	launchBrowser,
	searchNodePanel,
	signIn,
	type Browser,
} from './browser';
import { REPO_ROOT } from './harness';
import { sleep } from './processes';
import { runAutoGptNode, useStack, type TestStack } from './testkit';
import { agentLocator, loadWorkflowFile, type CredentialRef } from './workflows';

jest.setTimeout(180_000);

const stackOf = useStack();
let stack: TestStack;
let browser: Browser;
/** The credential connected in the browser; later tests use it. */
let connected: CredentialRef | undefined;

const TOKEN_TTL_SECONDS = 4;
const DOCS_DIR = join(REPO_ROOT, 'docs');

/** Requests the editor made to anything but loopback (n8n's telemetry, fonts, CDNs): none expected. */
const outboundRequests: string[] = [];

beforeAll(async () => {
	stack = stackOf();
	browser = await launchBrowser();
	// Recorded, and never let through: the tests must not depend on the internet.
	await browser.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/, async (route) => {
		outboundRequests.push(route.request().url());
		await route.abort();
	});
	await signIn(browser.page, stack.n8nUrl, stack.owner);
}, 120_000);

afterAll(async () => {
	await browser?.close();
});

async function credentialByName(name: string): Promise<{ id: string; name: string; type: string }> {
	const all = await stack.n8n.rest<Array<{ id: string; name: string; type: string }>>(
		'GET',
		'/credentials',
	);
	const found = all.filter((c) => c.name === name);
	if (found.length !== 1)
		throw new Error(`expected one credential named ${name}, found ${found.length}`);
	return found[0];
}

async function isConnected(id: string): Promise<boolean> {
	const credential = await stack.n8n.rest<{ data?: { oauthTokenData?: unknown } }>(
		'GET',
		`/credentials/${id}?includeData=true`,
	);
	return Boolean(credential.data?.oauthTokenData);
}

test('the node panel finds AutoGPT by name, with its icon, its actions and the trigger events', async () => {
	// n8n 2.40's node panel leaves a node out of the regular and trigger search when its codex
	// categories include "AI" and its AI subcategories do not include "Root Nodes".
	const ours = (await stack.n8n.nodeTypes()).filter((t) =>
		/^n8n-nodes-autogpt\.autoGpt(Trigger)?$/.test(t.name),
	);
	for (const type of ours) {
		const codex = type.codex as
			| { categories?: string[]; subcategories?: Record<string, string[]> }
			| undefined;
		const hiddenFromSearch = Boolean(
			codex?.categories?.includes('AI') && !codex.subcategories?.AI?.includes('Root Nodes'),
		);
		expect({ node: type.name, hiddenFromSearch }).toEqual({
			node: type.name,
			hiddenFromSearch: false,
		});
	}
	const { triggers, actions } = await searchNodePanel(
		browser.page,
		stack.n8nUrl,
		'AutoGPT',
		artifact('node-panel.png'),
	);
	// n8n shows a node and its trigger as one app entry; the trigger's events are its trigger actions.
	expect(triggers).toContain('AutoGPT');
	expect(actions).toContain('AutoGPT');
	const icons = await browser.page
		.locator('[data-test-id=node-creator] img')
		.evaluateAll((images) =>
			(images as unknown as Array<{ src: string; naturalWidth: number }>).map((image) => ({
				src: image.src,
				width: image.naturalWidth,
			})),
		);
	expect(icons).toEqual(
		expect.arrayContaining([
			expect.objectContaining({
				src: expect.stringContaining('/icons/n8n-nodes-autogpt/dist/nodes/AutoGpt/autogpt'),
			}),
		]),
	);
	expect(
		icons.filter((icon) => icon.src.includes('n8n-nodes-autogpt')).every((icon) => icon.width > 0),
	).toBe(true);

	// The trigger's events, offered when the app entry is opened from the trigger panel.
	await browser.page.goto(`${stack.n8nUrl}/workflow/new`);
	await browser.page.click('[data-test-id=canvas-add-button]');
	await browser.page.fill('[data-test-id=node-creator-search-bar]', 'AutoGPT');
	await browser.page
		.locator('[data-test-id=node-creator-item-name]', { hasText: 'AutoGPT' })
		.first()
		.click();
	await browser.page.waitForTimeout(800);
	const entries = await browser.page
		.locator('[data-test-id=node-creator] [data-test-id=item-iterator-item]')
		.allInnerTexts();
	expect(entries.join('\n')).toMatch(/On execution completed/);
	await browser.page.screenshot({ path: artifact('node-panel-trigger-events.png') });
});

test('OAuth2 with PKCE in the browser: create the credential, Connect, approve, land back connected', async () => {
	await stack.admin.config({ tokenTtlSeconds: TOKEN_TTL_SECONDS });
	await stack.admin.consent('manual');
	const tokensBefore = await stack.admin.tokens();
	await createOAuth2CredentialInEditor(browser.page, stack.n8nUrl, stack.sandbox);
	const outcome = await connectInEditor(browser, 'approve', {
		consent: artifact('oauth-consent.png'),
	});
	const url = new URL(outcome.callbackUrl);
	expect(url.pathname).toBe('/rest/oauth2-credential/callback');
	expect(url.searchParams.get('code')).toBeTruthy();
	await browser.page.waitForSelector('[data-test-id=oauth-connect-success-banner]', {
		state: 'visible',
	});
	await browser.page.screenshot({ path: artifact('oauth-connected.png') });

	const name = (
		await browser.page
			.locator('[data-test-id=credential-name] [data-test-id=inline-edit-preview]')
			.innerText()
	).trim();
	const credential = await credentialByName(name);
	expect(credential.type).toBe('autoGptOAuth2Api');
	expect(await isConnected(credential.id)).toBe(true);
	connected = { id: credential.id, name: credential.name, type: 'autoGptOAuth2Api' };

	// The platform saw a PKCE authorization (S256) and issued tokens to the client.
	const authorize = (await stack.admin.requests()).filter((r) => r.path === '/oauth/authorize');
	expect(authorize.length).toBeGreaterThan(0);
	const issued = (await stack.admin.tokens()).filter(
		(t) => !tokensBefore.some((b) => b.token === t.token),
	);
	expect(issued.map((t) => t.kind).sort()).toEqual(expect.arrayContaining(['access', 'refresh']));
	expect(issued.every((t) => t.client_id === stack.sandbox.clientId)).toBe(true);
	await browser.page.keyboard.press('Escape');
});

test('a workflow with the connected credential executes an agent and waits for its outputs', async () => {
	if (!connected) throw new Error('needs the credential connected in the previous test');
	const run = await runAutoGptNode(
		stack,
		connected,
		{
			resource: 'agent',
			operation: 'execute',
			agent: agentLocator(stack.sandbox.agents.echo),
			inputSource: 'json',
			inputsJson: '={{ JSON.stringify($json.inputs) }}',
			waitForCompletion: true,
			options: { pollInterval: 0.5, timeout: 60 },
		},
		[{ inputs: { question: 'connected in a browser?' } }],
	);
	expect(run.execution.status).toBe('success');
	expect(run.output[0].json).toMatchObject({
		status: 'completed',
		outputs: { question: 'connected in a browser?' },
	});
});

test('after the access token expires, the next run refreshes it (rotation visible on the platform) and succeeds', async () => {
	if (!connected) throw new Error('needs the credential connected earlier');
	await sleep((TOKEN_TTL_SECONDS + 1) * 1000);
	const refreshesBefore = (await stack.admin.tokens()).filter(
		(t) => t.kind === 'refresh' && t.replaced_by,
	).length;
	const run = await runAutoGptNode(stack, connected, {
		resource: 'account',
		operation: 'getCapabilities',
	});
	expect(run.execution.status).toBe('success');
	expect(run.output[0].json).toMatchObject({ client_id: stack.sandbox.clientId });
	const tokens = await stack.admin.tokens();
	const rotated = tokens.filter((t) => t.kind === 'refresh' && t.replaced_by);
	expect(rotated.length).toBeGreaterThan(refreshesBefore);
	// The old refresh token is revoked and points at its successor, which is live.
	const last = rotated[rotated.length - 1];
	expect(last.revoked_at).toBeTruthy();
	expect(tokens.find((t) => t.token === last.replaced_by)).toMatchObject({ active: true });
	await stack.admin.config({ tokenTtlSeconds: 3600 });
});

test('denying on the consent page leaves a clear error and the credential unconnected', async () => {
	const data = {
		clientId: stack.sandbox.clientId,
		clientSecret: stack.sandbox.clientSecret,
		platformUrl: stack.sandbox.url,
		apiUrl: stack.sandbox.apiUrl,
	};
	const credential = await stack.n8n.createCredential('AutoGPT (denied)', 'autoGptOAuth2Api', data);
	await browser.page.goto(`${stack.n8nUrl}/home/credentials/${credential.id}`);
	await browser.page.waitForSelector('[data-test-id=oauth-not-connected-banner]', {
		state: 'visible',
	});
	const outcome = await connectInEditor(browser, 'deny', {
		callback: artifact('oauth-denied.png'),
	});
	const url = new URL(outcome.callbackUrl);
	expect(url.searchParams.get('error')).toBe('access_denied');
	expect(outcome.callbackPage).toContain('Failed to connect');
	expect(outcome.callbackPage).toContain('access_denied');
	expect(outcome.callbackPage).toContain('User denied access');
	expect(await browser.page.locator('[data-test-id=oauth-not-connected-banner]').isVisible()).toBe(
		true,
	);
	expect(await isConnected(credential.id)).toBe(false);
	await browser.page.keyboard.press('Escape');
});

test('editor screenshots: a workflow on the canvas and the Execute Agent parameter panel', async () => {
	if (!connected) throw new Error('needs the credential connected earlier');
	const workflow = await stack.n8n.createWorkflow(
		loadWorkflowFile('execute-agent.json', {
			agents: stack.sandbox.agents,
			oauth2Credential: connected,
		}),
	);
	const page = browser.page;
	await page.goto(`${stack.n8nUrl}/workflow/${workflow.id}`);
	await page.waitForSelector('[data-test-id=canvas-node]');
	await page.click('[data-test-id=zoom-to-fit]').catch(() => {});
	await page.waitForTimeout(800);
	const names = await page.locator('[data-test-id=canvas-node]').allInnerTexts();
	expect(names.join('\n')).toContain('Execute Agent');
	await page.screenshot({ path: artifact('workflow-canvas.png') });

	await page.locator('[data-test-id=canvas-node]', { hasText: 'Execute Agent' }).dblclick();
	await page.waitForSelector('[data-test-id=ndv]', { state: 'visible' });
	await page.waitForTimeout(800);
	const panel = await page.locator('[data-test-id=ndv]').innerText();
	for (const label of ['Agent', 'Inputs (JSON)', 'Wait for Completion'])
		expect(panel).toContain(label);
	await page.screenshot({ path: artifact('execute-agent-parameters.png') });

	// Wait Mode, its two choices open as the user sees them: the README's screenshot.
	const waitMode = page.locator('[data-test-id=parameter-input-waitMode]');
	await waitMode.scrollIntoViewIfNeeded();
	await waitMode.click();
	const webhook = page.locator('.el-select-dropdown__item', { hasText: 'Webhook' }).last();
	await webhook.waitFor({ state: 'visible' });
	expect(await page.locator('.el-select-dropdown__item', { hasText: 'Poll' }).count()).toBe(1);
	await webhook.hover();
	await page.waitForTimeout(300);
	await page.screenshot({ path: join(DOCS_DIR, 'wait-mode-parameter.png') });
	await webhook.click();
	await page.waitForTimeout(300);
	expect(await page.locator('[data-test-id=ndv]').innerText()).not.toContain('Poll Interval');
	await page.keyboard.press('Escape');
});

test('editor screenshots: the AutoGPT node as a tool of an AI Agent, and its tool parameters', async () => {
	if (!connected) throw new Error('needs the credential connected earlier');
	const workflow = loadWorkflowFile('ai-agent-tool.json', {
		agents: stack.sandbox.agents,
		oauth2Credential: connected,
	});
	// An OpenAI credential for the model node; nothing runs here, so it points nowhere in particular.
	const openAi = await stack.n8n.createCredential('OpenAI', 'openAiApi', {
		apiKey: 'sk-not-used',
		url: 'http://127.0.0.1:9/v1',
		header: false,
	});
	for (const node of workflow.nodes) {
		if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi')
			node.credentials = { openAiApi: openAi };
	}
	const created = await stack.n8n.createWorkflow(workflow);
	const page = browser.page;
	await page.goto(`${stack.n8nUrl}/workflow/${created.id}`);
	await page.waitForSelector('[data-test-id=canvas-node]');
	await page.click('[data-test-id=zoom-to-fit]').catch(() => {});
	await page.waitForTimeout(800);
	const names = (await page.locator('[data-test-id=canvas-node]').allInnerTexts()).join('\n');
	for (const name of ['AI Agent', 'OpenAI Chat Model', 'Run AutoGPT agent', 'Wait for AutoGPT run'])
		expect(names).toContain(name);
	await page.screenshot({ path: artifact('ai-agent-workflow.png') });

	await page.locator('[data-test-id=canvas-node]', { hasText: 'Run AutoGPT agent' }).dblclick();
	await page.waitForSelector('[data-test-id=ndv]', { state: 'visible' });
	await page.waitForTimeout(800);
	await page.screenshot({ path: artifact('ai-agent-tool-parameters.png') });
	// The tool description the model reads, and the values the model fills in.
	const description = await page
		.locator('[data-test-id=parameter-input-toolDescription] textarea')
		.inputValue();
	expect(description).toMatch(/^Runs an AutoGPT agent, waits for it to finish/);
	const panel = await page.locator('[data-test-id=ndv]').innerText();
	expect(panel.match(/Defined automatically by the\s+model/g)).toHaveLength(2);
	await page.keyboard.press('Escape');
}, 300_000);

test('the editor made no request beyond loopback but the two n8n makes itself (aborted here)', () => {
	// n8n's OAuth callback page links Google Fonts; the node panel's details of an installed
	// community package ask the npm registry for its latest version. Nothing else leaves loopback.
	const expected = [
		/^https:\/\/fonts\.googleapis\.com\//,
		/^https:\/\/registry\.npmjs\.org\/n8n-nodes-autogpt$/,
	];
	const others = outboundRequests.filter((url) => !expected.some((pattern) => pattern.test(url)));
	expect(others).toEqual([]);
});
