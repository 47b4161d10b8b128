// End-to-end browser test for the Languard SPA.
//
//   LANGUARD_URL=http://127.0.0.1:PORT LANGUARD_ADMIN_PASSWORD=... node e2e/run.mjs
//
// Uses playwright-core with the system Chromium (no browser downloads).
import { chromium } from 'playwright-core';

const STEP_TIMEOUT = 15_000;
const SCREENSHOT = '/tmp/languard-e2e-failure.png';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const baseUrl = (process.env.LANGUARD_URL ?? '').replace(/\/+$/, '');
const adminPassword = process.env.LANGUARD_ADMIN_PASSWORD ?? '';
const viewerName = process.env.LANGUARD_E2E_VIEWER ?? 'viewer1';
const viewerPassword = process.env.LANGUARD_E2E_VIEWER_PASSWORD ?? 'viewer1-secret-pw';

if (!baseUrl || !adminPassword) {
  console.error('e2e: set LANGUARD_URL and LANGUARD_ADMIN_PASSWORD');
  process.exit(2);
}

let browser;
let page;
let current = 'start';
const consoleErrors = [];

async function step(name, fn) {
  current = name;
  const started = Date.now();
  await fn();
  console.log(`  ok  ${name} (${Date.now() - started} ms)`);
}

async function login(username, password) {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-form').waitFor();
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('dashboard').waitFor();
  const shown = (await page.getByTestId('current-username').textContent())?.trim();
  if (shown !== username) throw new Error(`header shows user "${shown}", expected "${username}"`);
}

async function logout() {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('menu-logout').click();
  await page.getByTestId('login-form').waitFor();
}

try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  page = await context.newPage();
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  page.on('pageerror', (err) => consoleErrors.push(String(err)));

  console.log(`e2e: testing ${baseUrl}`);

  await step('admin logs in and sees the dashboard', () => login('admin', adminPassword));

  await step('admin opens Users', async () => {
    await page.getByTestId('nav-users').click();
    await page.waitForURL(/\/users$/);
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('user-row-admin').waitFor();
  });

  await step(`admin creates ${viewerName} with role viewer`, async () => {
    await page.getByTestId('create-user-button').click();
    const form = page.getByTestId('create-user-form');
    await form.waitFor();
    await form.getByTestId('user-username').fill(viewerName);
    await form.getByTestId('user-password').fill(viewerPassword);
    await form.getByTestId('user-role').click();
    await page.getByRole('option', { name: /^Viewer/ }).click();
    const role = await form.getByTestId('user-role').inputValue();
    if (!/viewer/i.test(role)) throw new Error(`role select shows "${role}", expected viewer`);
    await form.getByTestId('create-user-submit').click();
    await form.waitFor({ state: 'detached' });
    const row = page.getByTestId(`user-row-${viewerName}`);
    await row.waitFor();
    const text = await row.textContent();
    if (!/viewer/i.test(text ?? '')) throw new Error(`row for ${viewerName} does not show the viewer role: ${text}`);
  });

  await step('admin logs out', logout);

  await step(`${viewerName} logs in`, () => login(viewerName, viewerPassword));

  await step(`${viewerName} does not see admin navigation`, async () => {
    if ((await page.getByTestId('nav-users').count()) !== 0) throw new Error('viewer sees the Users nav entry');
  });

  await step(`${viewerName} opening /users is told they need the admin role`, async () => {
    await page.goto(`${baseUrl}/users`);
    const forbidden = page.getByTestId('forbidden');
    await forbidden.waitFor();
    const text = await forbidden.textContent();
    if (!/admin role/i.test(text ?? '')) throw new Error(`forbidden message is unclear: ${text}`);
    if ((await page.getByTestId('users-table').count()) !== 0) throw new Error('viewer can see the users table');
  });

  await step('the API docs render offline under the CSP', async () => {
    const docs = await context.newPage();
    const violations = [];
    docs.on('console', (msg) => /Content Security Policy/i.test(msg.text()) && violations.push(msg.text()));
    await docs.goto(`${baseUrl}/api/docs/`);
    await docs.getByText('Languard API').first().waitFor();
    await docs.getByText('/api/v1/auth/login').first().waitFor();
    if (violations.length) throw new Error(`CSP violations on the docs page: ${violations.join('; ')}`);
    await docs.close();
  });

  if (consoleErrors.some((e) => /Content Security Policy/i.test(e))) {
    throw new Error(`CSP violations in the SPA: ${consoleErrors.join('; ')}`);
  }

  console.log('e2e: all steps passed');
  await browser.close();
  process.exit(0);
} catch (err) {
  console.error(`e2e: FAILED at step "${current}": ${err instanceof Error ? err.message : err}`);
  if (page) {
    try {
      console.error(`e2e: page URL was ${page.url()}`);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      console.error(`e2e: screenshot saved to ${SCREENSHOT}`);
    } catch (shotErr) {
      console.error(`e2e: could not save a screenshot: ${shotErr}`);
    }
  }
  if (consoleErrors.length) console.error(`e2e: browser console errors:\n  ${consoleErrors.join('\n  ')}`);
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
}
