// What every browser script shares: the environment they read, the system Chromium they drive
// (playwright-core, no browser downloads), named steps, polling, and one way to fail: which
// step, the page's URL, a screenshot and the browser console's errors, exit code 1.
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

export const STEP_TIMEOUT = 15_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const baseUrl = (process.env.LANGUARD_URL ?? '').replace(/\/+$/, '');
export const adminPassword = process.env.LANGUARD_ADMIN_PASSWORD ?? '';

// Set by `run` before its steps start; live bindings, so a script's helpers see them.
export let browser;
export let context;
export let page;

let current = 'start';
const consoleErrors = [];

/** Exits with 2, naming what to set, unless LANGUARD_URL, LANGUARD_ADMIN_PASSWORD and `more` are set. */
export function requireEnv(more = {}) {
  const all = { LANGUARD_URL: baseUrl, LANGUARD_ADMIN_PASSWORD: adminPassword, ...more };
  if (Object.values(all).every(Boolean)) return;
  const names = Object.keys(all);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  console.error(`e2e: set ${list}`);
  process.exit(2);
}

/** Runs `fn` as the step `name`, whose name a failure reports. */
export async function step(name, fn) {
  current = name;
  const started = Date.now();
  await fn();
  console.log(`  ok  ${name} (${Date.now() - started} ms)`);
}

/** Polls `check` until it returns a truthy value; throws `message()` after `timeout` ms. */
export async function eventually(check, message, timeout = STEP_TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(await message());
    await sleep(200);
  }
}

/** A locator's trimmed text, or '' when it is not there. */
export const text = async (locator) => ((await locator.textContent({ timeout: 2000 }).catch(() => '')) ?? '').trim();

/** Signs `username` in on `on` (the shared page unless given) and waits for the dashboard. */
export async function signIn(username = 'admin', password = adminPassword, on = page) {
  await on.goto(`${baseUrl}/login`);
  await on.getByTestId('login-form').waitFor();
  await on.getByTestId('login-username').fill(username);
  await on.getByTestId('login-password').fill(password);
  await on.getByTestId('login-submit').click();
  await on.getByTestId('dashboard').waitFor();
}

/** Creates a Source server through the servers page's form; resolves once the form has closed. */
export async function createSourceServer({ name, executable, port }) {
  await page.getByTestId('nav-servers').click();
  await page.getByTestId('servers-page').waitFor();
  await page.getByTestId('create-server-button').click();
  const form = page.getByTestId('create-server-form');
  await form.waitFor();
  await form.getByTestId('server-game').click();
  await page.getByRole('option', { name: /Source/ }).click();
  await form.getByTestId('server-name').fill(name);
  await form.getByTestId('server-executable').fill(executable);
  await form.getByTestId('server-port').fill(String(port));
  await form.getByTestId('create-server-submit').click();
  await form.waitFor({ state: 'detached' });
}

/** Clicks `action` (`start` or `stop`) on the servers list's row of `name` once it is enabled; confirms a stop. */
export async function clickPower(name, action) {
  const button = page.getByTestId(`server-${action}-${name}`);
  await eventually(async () => !(await button.isDisabled()), () => `the ${action} button stayed disabled`);
  await button.click();
  if (action === 'stop') await page.getByTestId('confirm-action').click();
}

/** Waits for the status badge of `name` on the servers list to read `expected`. */
export async function waitForBadge(name, expected, timeout = STEP_TIMEOUT) {
  const badge = page.getByTestId(`server-status-${name}`);
  await eventually(
    async () => (await text(badge)) === expected,
    async () => `status of ${name} is "${await text(badge)}" on the servers list, expected ${expected}`,
    timeout,
  );
}

/**
 * Opens the browser, logs `e2e: testing <title> on <url>`, runs `steps`, and fails them when the
 * SPA broke its Content Security Policy. Exits 0 when all passed, else 1 after saying where and
 * saving a screenshot to `screenshot`.
 */
export async function run({ title, passed, screenshot, viewport = { width: 1280, height: 900 } }, steps) {
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
    context = await browser.newContext({ viewport });
    context.setDefaultTimeout(STEP_TIMEOUT);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT);
    page = await context.newPage();
    page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
    page.on('pageerror', (err) => consoleErrors.push(String(err)));

    console.log(`e2e: testing ${title} on ${baseUrl}`);
    await steps();

    if (consoleErrors.some((e) => /Content Security Policy/i.test(e))) {
      throw new Error(`CSP violations in the SPA: ${consoleErrors.join('; ')}`);
    }
    console.log(`e2e: all ${passed} steps passed`);
    await browser.close();
    process.exit(0);
  } catch (err) {
    console.error(`e2e: FAILED at step "${current}": ${err instanceof Error ? err.message : err}`);
    if (page) {
      try {
        console.error(`e2e: page URL was ${page.url()}`);
        await page.screenshot({ path: screenshot, fullPage: true });
        console.error(`e2e: screenshot saved to ${screenshot}`);
      } catch (shotErr) {
        console.error(`e2e: could not save a screenshot: ${shotErr}`);
      }
    }
    if (consoleErrors.length) console.error(`e2e: browser console errors:\n  ${consoleErrors.join('\n  ')}`);
    if (browser) await browser.close().catch(() => {});
    process.exit(1);
  }
}
