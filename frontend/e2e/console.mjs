// End-to-end browser test for the live console.
//
//   LANGUARD_URL=http://127.0.0.1:PORT LANGUARD_ADMIN_PASSWORD=... \
//   LANGUARD_E2E_SRCDS=/abs/path/to/srcds_run LANGUARD_E2E_CONSOLE_PORT=27557 node e2e/console.mjs
//
// LANGUARD_E2E_SRCDS must be an executable named `srcds_run` that behaves like a Source server
// (a symlink to target/debug/fakegame). New console lines are made by writing commands into
// `fakegame.control` in the server directory; they must show up without reloading the page.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { clickPower, createSourceServer, eventually, page, requireEnv, run, signIn, step, text, waitForBadge } from './lib.mjs';

const STATUS_TIMEOUT = 20_000;

const srcds = process.env.LANGUARD_E2E_SRCDS ?? '';
const gamePort = process.env.LANGUARD_E2E_CONSOLE_PORT ?? '';
const serverName = process.env.LANGUARD_E2E_CONSOLE_SERVER_NAME ?? 'e2e-console';
const MARKER = 'hello-from-e2e';
const PLAYER = 'Someone';
const STEAM_ID = '76561197960287930';
const FLOOD = 300;

requireEnv({ LANGUARD_E2E_SRCDS: srcds, LANGUARD_E2E_CONSOLE_PORT: gamePort });

/** The console's lines as `{kind, level, text}`. */
const consoleLines = () =>
  page.getByTestId('console-line').evaluateAll((els) =>
    els.map((el) => ({ kind: el.dataset.kind, level: el.dataset.level ?? null, text: el.textContent ?? '' })),
  );

const tail = async (n = 12) => (await consoleLines()).slice(-n).map((l) => `[${l.kind}${l.level ? `/${l.level}` : ''}] ${l.text}`).join('\n    ');

await run({ title: 'the live console', passed: 'console', screenshot: '/tmp/languard-e2e-console-failure.png' }, async () => {
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));

  await step('admin logs in and the live connection opens', async () => {
    await signIn();
    await eventually(
      () => sockets.some((u) => /\/api\/v1\/ws\?ticket=[0-9a-f]+$/.test(u)),
      () => `no WebSocket to /api/v1/ws?ticket=… opened (saw ${JSON.stringify(sockets)})`,
    );
    if (await page.getByTestId('live-reconnecting').count()) throw new Error('"Reconnecting…" shown while connected');
  });

  await step(`admin creates the Source server ${serverName}`, async () => {
    await createSourceServer({ name: serverName, executable: srcds, port: gamePort });
    await page.getByTestId(`server-row-${serverName}`).waitFor();
  });

  let directory = '';
  await step(`${serverName} starts (the list follows its state live) and RCON comes up`, async () => {
    await clickPower(serverName, 'start');
    await waitForBadge(serverName, 'running', STATUS_TIMEOUT);
    await page.getByTestId(`server-link-${serverName}`).click();
    await page.getByTestId('server-page').waitFor();
    directory = await text(page.getByTestId('server-directory'));
    if (!directory.startsWith('/')) throw new Error(`server directory shown as "${directory}"`);
    await page.getByTestId('tab-players').click();
    const rcon = page.getByTestId('rcon-status');
    await eventually(
      async () => (await rcon.getAttribute('data-state', { timeout: 1000 }).catch(() => null)) === 'connected',
      async () => `RCON status is "${await text(rcon)}"`,
      STATUS_TIMEOUT,
    );
    if (await page.getByTestId('rcon-console').count()) throw new Error('the Players tab still has its own RCON console');
  });

  await step('the Console tab opens with a command line', async () => {
    await page.evaluate(() => {
      window.__languardE2eNoReload = true;
    });
    await page.getByTestId('tab-console').click();
    await page.getByTestId('server-console').waitFor();
    const input = page.getByTestId('console-input');
    await eventually(async () => !(await input.isDisabled()), async () => `the command line stayed disabled: "${await input.getAttribute('placeholder')}"`);
  });

  await step('`status` is sent and its reply shows inline', async () => {
    const input = page.getByTestId('console-input');
    await input.fill('status');
    await input.press('Enter');
    if ((await input.inputValue()) !== '') throw new Error('the command line was not cleared after sending');
    await eventually(
      async () => {
        const lines = await consoleLines();
        const sent = lines.findIndex((l) => l.kind === 'command' && l.text === '> status');
        return sent >= 0 && lines.slice(sent + 1).some((l) => l.kind === 'reply' && l.text.startsWith('hostname: '));
      },
      async () => `no "> status" followed by a "hostname: …" reply; the console ends with:\n    ${await tail()}`,
    );
    const failures = (await consoleLines()).filter((l) => l.kind === 'failure');
    if (failures.length) throw new Error(`the console shows failures: ${failures.map((l) => l.text).join('; ')}`);
  });

  await step('Up brings the last command back from the history', async () => {
    const input = page.getByTestId('console-input');
    await input.press('ArrowUp');
    const value = await input.inputValue();
    if (value !== 'status') throw new Error(`ArrowUp gave "${value}", expected "status"`);
    await input.press('ArrowDown');
    if ((await input.inputValue()) !== '') throw new Error('ArrowDown did not go back to the empty line');
    const stored = await page.evaluate(() =>
      Object.keys(sessionStorage)
        .filter((k) => k.startsWith('languard.console-history.'))
        .map((k) => sessionStorage.getItem(k)),
    );
    if (!stored.some((v) => v && JSON.parse(v).includes('status'))) throw new Error(`history not kept in sessionStorage: ${JSON.stringify(stored)}`);
  });

  await step(`a line the game writes ("log ${MARKER}") arrives live`, async () => {
    appendFileSync(join(directory, 'fakegame.control'), `log ${MARKER}\n`);
    await eventually(
      async () => (await consoleLines()).some((l) => l.kind === 'output' && l.text.includes(MARKER)),
      async () => `"${MARKER}" did not appear; the console ends with:\n    ${await tail()}`,
    );
  });

  await step(`${PLAYER} joins and the connect line arrives with the level the adapter read`, async () => {
    appendFileSync(join(directory, 'fakegame.control'), `join ${PLAYER} ${STEAM_ID}\n`);
    const line = await eventually(
      async () => (await consoleLines()).find((l) => l.kind === 'output' && l.text.includes(`"${PLAYER}<`) && l.text.includes('connected')),
      async () => `no connect line for ${PLAYER}; the console ends with:\n    ${await tail()}`,
    );
    if (!line.level) throw new Error(`the connect line has no level: ${line.text}`);
  });

  await step('scrolling up pauses auto-scroll and counts new lines until resumed', async () => {
    const view = page.getByTestId('console-view');
    appendFileSync(join(directory, 'fakegame.control'), `flood 60 e2e-fill\n`);
    await eventually(
      async () => (await consoleLines()).some((l) => l.text.includes('e2e-fill 60')),
      async () => `the first flood did not arrive; the console ends with:\n    ${await tail()}`,
    );
    if ((await view.getAttribute('data-follow')) !== 'true') throw new Error('the console did not follow new lines');
    await view.evaluate((el) => {
      el.scrollTop = 0;
    });
    const resume = page.getByTestId('console-resume');
    await resume.waitFor();
    appendFileSync(join(directory, 'fakegame.control'), `flood ${FLOOD} e2e-flood\n`);
    await eventually(
      async () => /^\d+ new lines?$/.test(await text(resume)) && Number((await text(resume)).split(' ')[0]) >= FLOOD,
      async () => `the resume button reads "${await text(resume)}", expected at least ${FLOOD} new lines`,
    );
    const top = await view.evaluate((el) => el.scrollTop);
    if (top > 50) throw new Error(`the view moved while paused (scrollTop ${top})`);
    await resume.click();
    await resume.waitFor({ state: 'detached' });
    await eventually(
      () => view.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 30),
      () => 'the view did not go back to the bottom after resuming',
    );
    const last = (await consoleLines()).at(-1);
    if (!last?.text.includes(`e2e-flood ${FLOOD}`)) throw new Error(`the last line is "${last?.text}"`);
  });

  await step('all of that happened without a reload', async () => {
    const same = await page.evaluate(() => window.__languardE2eNoReload === true);
    if (!same) throw new Error('the page was reloaded');
  });

  await step('a command the panel refuses shows its error inline', async () => {
    const input = page.getByTestId('console-input');
    const before = (await consoleLines()).length;
    await input.fill('echo \u0007bell');
    await input.press('Enter');
    await eventually(
      async () => (await consoleLines()).slice(before).some((l) => l.kind === 'failure' && /control characters/.test(l.text)),
      async () => `no inline error for a command with a control character; the console ends with:\n    ${await tail()}`,
    );
  });

  await step(`${serverName} stops and the console says it is not running`, async () => {
    await clickPower(serverName, 'stop');
    await waitForBadge(serverName, 'stopped', STATUS_TIMEOUT);
    const input = page.getByTestId('console-input');
    await eventually(() => input.isDisabled(), () => 'the command line stayed enabled for a stopped server');
  });
});
