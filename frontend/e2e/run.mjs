// End-to-end browser test for the Languard SPA.
//
//   LANGUARD_URL=http://127.0.0.1:PORT LANGUARD_ADMIN_PASSWORD=... node e2e/run.mjs
//
// Uses playwright-core with the system Chromium (no browser downloads).
import { adminPassword, baseUrl, context, page, requireEnv, run, signIn, step } from './lib.mjs';

const viewerName = process.env.LANGUARD_E2E_VIEWER ?? 'viewer1';
const viewerPassword = process.env.LANGUARD_E2E_VIEWER_PASSWORD ?? 'viewer1-secret-pw';

requireEnv();

async function login(username, password) {
  await signIn(username, password);
  const shown = (await page.getByTestId('current-username').textContent())?.trim();
  if (shown !== username) throw new Error(`header shows user "${shown}", expected "${username}"`);
}

async function logout() {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('menu-logout').click();
  await page.getByTestId('login-form').waitFor();
}

await run({ title: 'sign-in, users and the API docs', passed: 'sign-in', screenshot: '/tmp/languard-e2e-failure.png', viewport: { width: 1280, height: 800 } }, async () => {
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
});
