// End-to-end browser test for the game-server pages.
//
//   LANGUARD_URL=http://127.0.0.1:PORT LANGUARD_ADMIN_PASSWORD=... \
//   LANGUARD_E2E_SRCDS=/abs/path/to/srcds_run LANGUARD_E2E_PORT=27555 node e2e/servers.mjs
//
// LANGUARD_E2E_SRCDS must be an executable named `srcds_run` that behaves like a Source
// server (e.g. a symlink to target/debug/fakegame). Uses playwright-core with the system Chromium.
import { chromium } from 'playwright-core';

const STEP_TIMEOUT = 15_000;
const STATUS_TIMEOUT = 20_000;
const SCREENSHOT = '/tmp/languard-e2e-servers-failure.png';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const baseUrl = (process.env.LANGUARD_URL ?? '').replace(/\/+$/, '');
const adminPassword = process.env.LANGUARD_ADMIN_PASSWORD ?? '';
const srcds = process.env.LANGUARD_E2E_SRCDS ?? '';
const gamePort = process.env.LANGUARD_E2E_PORT ?? '';
const serverName = process.env.LANGUARD_E2E_SERVER_NAME ?? 'e2e-srcds';

if (!baseUrl || !adminPassword || !srcds || !gamePort) {
  console.error('e2e: set LANGUARD_URL, LANGUARD_ADMIN_PASSWORD, LANGUARD_E2E_SRCDS and LANGUARD_E2E_PORT');
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

/** Waits until the status badge of the server reads `expected`. */
async function waitForStatus(expected, timeout = STATUS_TIMEOUT) {
  const badge = page.getByTestId(`server-status-${serverName}`);
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = ((await badge.textContent({ timeout: 2000 }).catch(() => '')) ?? '').trim();
    if (last === expected) return;
    if (expected === 'running' && (last === 'crashed' || last === 'error')) {
      throw new Error(`server went to "${last}" instead of "${expected}"`);
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`status is "${last}" after ${timeout} ms, expected "${expected}"`);
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
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  page = await context.newPage();
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  page.on('pageerror', (err) => consoleErrors.push(String(err)));

  console.log(`e2e: testing servers on ${baseUrl}`);

  await step('admin logs in', async () => {
    await page.goto(`${baseUrl}/login`);
    await page.getByTestId('login-form').waitFor();
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(adminPassword);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('dashboard').waitFor();
  });

  await step('admin opens Servers', async () => {
    await page.getByTestId('nav-servers').click();
    await page.waitForURL(/\/servers$/);
    await page.getByTestId('servers-page').waitFor();
  });

  await step(`admin creates the Source server ${serverName}`, async () => {
    await page.getByTestId('create-server-button').click();
    const form = page.getByTestId('create-server-form');
    await form.waitFor();
    await form.getByTestId('server-game').click();
    await page.getByRole('option', { name: /Source/ }).click();
    const port = form.getByTestId('server-port');
    // The adapter's default port is filled in once a game is picked.
    if ((await port.inputValue()) !== '27015') throw new Error(`default port is "${await port.inputValue()}", expected 27015`);
    await form.getByTestId('server-name').fill(serverName);
    await form.getByTestId('server-executable').fill(srcds);
    await port.fill(String(gamePort));
    await form.getByTestId('create-server-submit').click();
    await form.waitFor({ state: 'detached' });
    await page.getByTestId(`server-row-${serverName}`).waitFor();
    await waitForStatus('stopped', STEP_TIMEOUT);
    const row = (await page.getByTestId(`server-row-${serverName}`).textContent()) ?? '';
    if (!row.includes(`${gamePort}/udp`)) throw new Error(`row does not list port ${gamePort}/udp: ${row}`);
  });

  await step(`${serverName} starts from the list and reaches running`, async () => {
    await page.getByTestId(`server-start-${serverName}`).click();
    await waitForStatus('running');
  });

  await step(`${serverName} stops after confirmation`, async () => {
    const stop = page.getByTestId(`server-stop-${serverName}`);
    await stop.waitFor();
    // Wait for the button to become enabled (it follows the polled status).
    for (let i = 0; i < 40 && (await stop.isDisabled()); i++) await page.waitForTimeout(100);
    await stop.click();
    await page.getByTestId('confirm-action').click();
    await waitForStatus('stopped');
  });

  await step('the server page shows its events', async () => {
    await page.getByTestId(`server-link-${serverName}`).click();
    await page.getByTestId('server-page').waitFor();
    await page.getByTestId('tab-events').click();
    await page.getByTestId('event-running').first().waitFor();
    await page.getByTestId('event-stopped').first().waitFor();
  });

  if (consoleErrors.some((e) => /Content Security Policy/i.test(e))) {
    throw new Error(`CSP violations in the SPA: ${consoleErrors.join('; ')}`);
  }

  console.log('e2e: all server steps passed');
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
