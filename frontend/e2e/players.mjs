// End-to-end browser test for players and bans.
//
//   LANGUARD_URL=http://127.0.0.1:PORT LANGUARD_ADMIN_PASSWORD=... \
//   LANGUARD_E2E_SRCDS=/abs/path/to/srcds_run LANGUARD_E2E_PLAYERS_PORT=27556 node e2e/players.mjs
//
// LANGUARD_E2E_SRCDS must be an executable named `srcds_run` that behaves like a Source server
// (a symlink to target/debug/fakegame). The panel must poll rosters often
// (LANGUARD_PLAYERS_POLL_INTERVAL=1) so that joins and bans show up within the step timeouts.
// A simulated player joins by a line written into `fakegame.control` in the server directory.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clickPower, createSourceServer, eventually, page, requireEnv, run, signIn, step, text, waitForBadge } from './lib.mjs';

const STATUS_TIMEOUT = 20_000;

const srcds = process.env.LANGUARD_E2E_SRCDS ?? '';
const gamePort = process.env.LANGUARD_E2E_PLAYERS_PORT ?? '';
const serverName = process.env.LANGUARD_E2E_PLAYERS_SERVER_NAME ?? 'e2e-players';
const PLAYER = 'Alice';
const STEAM_ID = '76561198000000001';

requireEnv({ LANGUARD_E2E_SRCDS: srcds, LANGUARD_E2E_PLAYERS_PORT: gamePort });

await run({ title: 'players and bans', passed: 'player', screenshot: '/tmp/languard-e2e-players-failure.png' }, async () => {
  await step('admin logs in', async () => {
    await signIn();
  });

  await step(`admin creates the Source server ${serverName}`, async () => {
    await createSourceServer({ name: serverName, executable: srcds, port: gamePort });
    await page.getByTestId(`server-row-${serverName}`).waitFor();
  });

  await step(`${serverName} starts and its RCON link comes up`, async () => {
    await clickPower(serverName, 'start');
    await page.getByTestId(`server-link-${serverName}`).click();
    await page.getByTestId('server-page').waitFor();
    await page.getByTestId('tab-players').click();
    await page.getByTestId('server-players').waitFor();
    const rcon = page.getByTestId('rcon-status');
    await eventually(
      async () => (await rcon.getAttribute('data-state', { timeout: 1000 }).catch(() => null)) === 'connected',
      async () => `RCON status is "${await text(rcon)}" (server ${await text(page.getByTestId(`server-status-${serverName}`))})`,
      STATUS_TIMEOUT,
    );
    await page.getByTestId('roster-empty').waitFor();
  });

  let directory = '';
  await step(`${PLAYER} joins and shows in the roster`, async () => {
    directory = await text(page.getByTestId('server-directory'));
    if (!directory.startsWith('/')) throw new Error(`server directory shown as "${directory}"`);
    appendFileSync(join(directory, 'fakegame.control'), `join ${PLAYER} ${STEAM_ID}\n`);
    const row = page.getByTestId(`roster-row-${PLAYER}`);
    await row.waitFor();
    const shown = await text(row);
    if (!shown.includes('76561198')) throw new Error(`roster row does not show the identity: ${shown}`);
    const live = await text(page.getByTestId('roster-live'));
    if (!live.startsWith('1/')) throw new Error(`live badge reads "${live}", expected 1 player`);
  });

  await step(`admin bans ${PLAYER} permanently from the roster`, async () => {
    await page.getByTestId(`ban-${PLAYER}`).click();
    const form = page.getByTestId('ban-form');
    await form.waitFor();
    await form.getByText('Permanent', { exact: true }).click();
    await form.getByTestId('ban-reason').fill('e2e');
    await form.getByTestId('ban-submit').click();
    await form.waitFor({ state: 'detached' });
  });

  await step(`${PLAYER} leaves the roster and the game got a banid`, async () => {
    await page.getByTestId(`roster-row-${PLAYER}`).waitFor({ state: 'detached' });
    await page.getByTestId('roster-empty').waitFor();
    const commands = join(directory, 'fakegame.commands');
    await eventually(
      () => existsSync(commands) && /^banid 0 \[U:1:\d+\] kick$/m.test(readFileSync(commands, 'utf8')),
      () => `no "banid 0 [U:1:…] kick" in ${commands}: ${existsSync(commands) ? readFileSync(commands, 'utf8') : '(missing)'}`,
    );
  });

  await step(`${PLAYER} is listed as banned on the Players page`, async () => {
    await page.getByTestId('nav-players').click();
    await page.getByTestId('players-page').waitFor();
    await page.getByTestId('players-search').fill(PLAYER);
    await page.getByTestId(`player-banned-${PLAYER}`).waitFor();
    await page.getByTestId(`player-link-${PLAYER}`).click();
    await page.getByTestId('player-page').waitFor();
    const identity = await text(page.getByTestId('player-identity'));
    if (identity !== STEAM_ID) throw new Error(`player page shows identity "${identity}"`);
    await page.getByTestId('player-banned').waitFor();
  });

  let banId = '';
  await step(`the Bans page lists the ban on ${PLAYER} as active`, async () => {
    await page.getByTestId('nav-bans').click();
    await page.getByTestId('bans-page').waitFor();
    const row = page.locator(`[data-testid^="ban-row-"][data-player="${PLAYER}"]`);
    await row.waitFor();
    banId = ((await row.getAttribute('data-testid')) ?? '').replace('ban-row-', '');
    const shown = await text(row);
    for (const want of ['e2e', serverName, 'permanent', 'admin']) {
      if (!shown.includes(want)) throw new Error(`ban row lacks "${want}": ${shown}`);
    }
    const state = await text(page.getByTestId(`ban-state-${banId}`));
    if (state !== 'active') throw new Error(`ban state is "${state}", expected active`);
  });

  await step('admin lifts the ban after confirmation and it shows lifted', async () => {
    await page.getByTestId('bans-filter').getByText('All', { exact: true }).click();
    await page.getByTestId(`unban-${banId}`).click();
    await page.getByTestId('confirm-button').click();
    const state = page.getByTestId(`ban-state-${banId}`);
    await eventually(
      async () => (await text(state)) === 'lifted',
      async () => `ban state is "${await text(state)}", expected lifted`,
    );
    if (await page.getByTestId(`unban-${banId}`).count()) throw new Error('a lifted ban still offers Unban');
  });

  await step(`${serverName} stops`, async () => {
    await page.getByTestId('nav-servers').click();
    await clickPower(serverName, 'stop');
    await waitForBadge(serverName, 'stopped', STATUS_TIMEOUT);
  });
});
