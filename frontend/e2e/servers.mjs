// End-to-end browser test for the game-server pages.
//
//   LANGUARD_URL=http://127.0.0.1:PORT LANGUARD_ADMIN_PASSWORD=... \
//   LANGUARD_E2E_SRCDS=/abs/path/to/srcds_run LANGUARD_E2E_PORT=27555 node e2e/servers.mjs
//
// LANGUARD_E2E_SRCDS must be an executable named `srcds_run` that behaves like a Source
// server (e.g. a symlink to target/debug/fakegame). Uses playwright-core with the system Chromium.
import { clickPower, eventually, page, requireEnv, run, signIn, step, STEP_TIMEOUT, text } from './lib.mjs';

const STATUS_TIMEOUT = 20_000;

const srcds = process.env.LANGUARD_E2E_SRCDS ?? '';
const gamePort = process.env.LANGUARD_E2E_PORT ?? '';
const serverName = process.env.LANGUARD_E2E_SERVER_NAME ?? 'e2e-srcds';

requireEnv({ LANGUARD_E2E_SRCDS: srcds, LANGUARD_E2E_PORT: gamePort });

/** Waits until the status badge of the server reads `expected`. */
async function waitForStatus(expected, timeout = STATUS_TIMEOUT) {
  const badge = page.getByTestId(`server-status-${serverName}`);
  await eventually(
    async () => {
      const now = await text(badge);
      if (expected === 'running' && (now === 'crashed' || now === 'error')) {
        throw new Error(`server went to "${now}" instead of "${expected}"`);
      }
      return now === expected;
    },
    async () => `status is "${await text(badge)}" after ${timeout} ms, expected "${expected}"`,
    timeout,
  );
}

await run({ title: 'servers', passed: 'server', screenshot: '/tmp/languard-e2e-servers-failure.png' }, async () => {
  await step('admin logs in', async () => {
    await signIn();
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
    // The button follows the polled status: clickPower waits for it to be enabled.
    await clickPower(serverName, 'stop');
    await waitForStatus('stopped');
  });

  await step('the server page shows its events', async () => {
    await page.getByTestId(`server-link-${serverName}`).click();
    await page.getByTestId('server-page').waitFor();
    await page.getByTestId('tab-events').click();
    await page.getByTestId('event-running').first().waitFor();
    await page.getByTestId('event-stopped').first().waitFor();
  });
});
