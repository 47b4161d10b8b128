// End-to-end browser test for missions and mods.
//
//   LANGUARD_URL=http://127.0.0.1:PORT LANGUARD_ADMIN_PASSWORD=... \
//   LANGUARD_E2E_ARMA=/abs/path/to/arma3server_x64 LANGUARD_E2E_CONTENT_PORT=27600 node e2e/content.mjs
//
// LANGUARD_E2E_ARMA must be an executable named `arma3server_x64` that behaves like an Arma 3
// server (a symlink to target/debug/fakegame); LANGUARD_E2E_CONTENT_PORT starts a block of 12
// free ports (game ports and BattlEye RCON at +10). The server is created through the API; the
// mission is uploaded, put in the rotation and checked in the rendered server.cfg through the UI,
// then a mod found by a scan of the panel's mods folder is given to the server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminPassword, baseUrl, browser, context, eventually, page, requireEnv, run, signIn, step, text } from './lib.mjs';

const STATUS_TIMEOUT = 30_000;

const arma = process.env.LANGUARD_E2E_ARMA ?? '';
const gamePort = Number(process.env.LANGUARD_E2E_CONTENT_PORT ?? '');
const serverName = process.env.LANGUARD_E2E_CONTENT_SERVER_NAME ?? 'e2e-arma';
const MISSION = 'coop_01.altis';
const MOD = '@e2e_cba';

requireEnv({ LANGUARD_E2E_ARMA: arma, LANGUARD_E2E_CONTENT_PORT: gamePort });

let token = '';
async function call(method, path, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** Picks `option` in the Mantine Select with this test id. */
async function choose(scope, testId, option) {
  await scope.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

await run({ title: 'missions and mods', passed: 'missions and mods', screenshot: '/tmp/languard-e2e-content-failure.png' }, async () => {
  const uploads = [];
  page.on('request', (req) => req.method() === 'POST' && /\/missions$/.test(new URL(req.url()).pathname) && uploads.push(req.url()));

  let serverId = 0;
  let modsRoot = '';
  await step(`the Arma server ${serverName} is created through the API; mod folders are put in the mods root`, async () => {
    token = (await call('POST', '/api/v1/auth/login', { username: 'admin', password: adminPassword })).access_token;
    const server = await call('POST', '/api/v1/servers', { name: serverName, game: 'arma3', executable: arma, game_port: gamePort });
    serverId = server.id;
    // The default mods root is <data dir>/mods.
    modsRoot = join((await call('GET', '/api/v1/system/info')).data_dir.path, 'mods');
    mkdirSync(join(modsRoot, MOD, 'addons'), { recursive: true });
    mkdirSync(join(modsRoot, MOD, 'keys'), { recursive: true });
    writeFileSync(join(modsRoot, MOD, 'addons', 'cba_main.pbo'), 'PBO');
    writeFileSync(join(modsRoot, MOD, 'keys', 'cba.bikey'), 'KEY');
    mkdirSync(join(modsRoot, '@e2e_empty'), { recursive: true });
  });

  await step('admin logs in and opens the Missions tab', async () => {
    await signIn();
    await page.goto(`${baseUrl}/servers/${serverId}`);
    await page.getByTestId('server-page').waitFor();
    const tab = page.getByTestId('tab-content');
    if ((await text(tab)) !== 'Missions') throw new Error(`the tab is called "${await text(tab)}"`);
    await tab.click();
    await page.getByTestId('content-empty').waitFor();
    if (await page.getByTestId('restart-required').count()) throw new Error('a stopped server shows "Restart required"');
  });

  await step('a file with the wrong extension is refused before anything is sent', async () => {
    await page.getByTestId('upload-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    const error = page.getByTestId('upload-error').last();
    await error.waitFor();
    if ((await text(error)) !== '`notes.txt` is not a .pbo file') throw new Error(`the error reads "${await text(error)}"`);
    if (uploads.length) throw new Error('the refused file was sent');
  });

  await step('a name the server refuses shows the server’s message inline', async () => {
    await page.getByTestId('upload-input').setInputFiles({ name: 'co+op.altis.pbo', mimeType: 'application/octet-stream', buffer: Buffer.from('PBO') });
    await eventually(
      async () => /may only hold letters, digits/.test(await text(page.getByTestId('upload-error').last())),
      async () => `no inline server error; the last one reads "${await text(page.getByTestId('upload-error').last())}"`,
    );
    if (uploads.length !== 1) throw new Error(`${uploads.length} uploads were sent, expected 1`);
  });

  await step(`${MISSION}.pbo is uploaded with a progress bar and listed`, async () => {
    // A slow uplink (1 MiB/s) so that the upload takes a few seconds to watch.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    await page.getByTestId('upload-input').setInputFiles({ name: `${MISSION}.pbo`, mimeType: 'application/octet-stream', buffer: body });
    const progress = page.getByTestId('upload-progress').locator('[role="progressbar"]');
    const seen = await eventually(
      async () => {
        const now = Number(await progress.getAttribute('aria-valuenow', { timeout: 500 }).catch(() => 0));
        return now > 0 && now < 100 ? now : 0;
      },
      () => 'no progress between 0 and 100 % was shown',
    );
    const done = page.getByTestId('upload-done');
    await done.waitFor();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    console.log(`      (progress seen at ${seen} %)`);
    if (!(await text(done)).includes(`Uploaded as ${MISSION}.pbo`)) throw new Error(`the upload says "${await text(done)}"`);
    const row = page.getByTestId(`content-row-${MISSION}.pbo`);
    await row.waitFor();
    const cells = await text(row);
    if (!cells.includes('altis') || !cells.includes('3.0 MiB') || !cells.includes('by admin')) throw new Error(`the row reads "${cells}"`);
  });

  await step('the mission is added to the rotation with a difficulty and a parameter', async () => {
    await choose(page, 'rotation-add-select', MISSION);
    await page.getByTestId('rotation-add').click();
    const entry = page.getByTestId('rotation-entry-0');
    await entry.waitFor();
    await choose(entry, 'rotation-difficulty-0', 'Veteran');
    await entry.getByTestId('rotation-add-param-0').click();
    await entry.getByLabel('Parameter 1 name').fill('9lives');
    await entry.getByLabel('Parameter 1 value').fill('6');
  });

  await step('a parameter name the server refuses is marked at its row', async () => {
    await page.getByTestId('rotation-save').click();
    const name = page.getByTestId('rotation-entry-0').getByLabel('Parameter 1 name');
    await eventually(
      async () => (await name.getAttribute('aria-invalid')) === 'true',
      () => 'the parameter name was not marked invalid',
    );
    const shown = await text(page.getByTestId('rotation-entry-0'));
    if (!/start with a letter/.test(shown)) throw new Error(`the row does not show the server's message: "${shown}"`);
    await name.fill('Daytime');
  });

  await step('the rotation is saved and the file is marked as in rotation', async () => {
    await page.getByTestId('rotation-save').click();
    const save = page.getByTestId('rotation-save');
    await eventually(() => save.isDisabled(), () => 'the rotation was not saved');
    await page.getByTestId(`content-row-${MISSION}.pbo`).getByTestId('in-rotation').waitFor();
    if (!(await page.getByTestId(`content-delete-${MISSION}.pbo`).isDisabled())) throw new Error('a mission in the rotation can be deleted');
  });

  await step('a second mission goes to the top with the keyboard and back by dragging', async () => {
    await page.getByTestId('upload-input').setInputFiles({ name: 'tvt_02.stratis.pbo', mimeType: 'application/octet-stream', buffer: Buffer.from('PBO') });
    await page.getByTestId('content-row-tvt_02.stratis.pbo').waitFor();
    await choose(page, 'rotation-add-select', 'tvt_02.stratis');
    await page.getByTestId('rotation-add').click();
    const order = () => page.getByTestId('rotation-list').locator('[data-testid^="rotation-entry-"] >> nth=0').textContent();
    await page.getByTestId('rotation-entry-1').waitFor();
    await page.locator('[data-move-dir="up"]').nth(1).focus();
    await page.keyboard.press('Enter');
    await eventually(async () => (await order())?.startsWith('tvt_02.stratis'), async () => `the first entry is "${await order()}"`);
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-move-dir'));
    if (!focused) throw new Error('the focus left the move buttons after moving');
    await page.getByTestId('drag-handle').nth(1).dragTo(page.getByTestId('sortable-row').nth(0));
    await eventually(async () => (await order())?.startsWith(MISSION), async () => `after dragging, the first entry is "${await order()}"`);
    await page.getByTestId('rotation-save').click();
    await eventually(() => page.getByTestId('rotation-save').isDisabled(), () => 'the rotation was not saved');
  });

  await step('the rendered class Missions shows the missions in order', async () => {
    await page.getByTestId('rotation-preview-button').click();
    const preview = page.getByTestId('missions-preview');
    await preview.waitFor();
    const cfg = await text(preview);
    for (const want of ['class Missions', `template = "${MISSION}";`, 'difficulty = "Veteran";', 'Daytime = 6;']) {
      if (!cfg.includes(want)) throw new Error(`the preview lacks ${want}:\n${cfg}`);
    }
    if (!/class Mission1\s*\{\s*template = "coop_01\.altis";[\s\S]*class Mission2\s*\{\s*template = "tvt_02\.stratis";/.test(cfg)) {
      throw new Error(`the missions are not in the rotation's order:\n${cfg}`);
    }
  });

  await step('a scan of the mods folder registers the mod and explains what it skipped', async () => {
    await page.getByTestId('nav-mods').click();
    await page.getByTestId('mods-page').waitFor();
    await page.getByTestId('scan-mods').click();
    const result = page.getByTestId('scan-result');
    await result.waitFor();
    const shown = await text(result);
    if (!shown.includes(MOD) || !shown.includes('@e2e_empty')) throw new Error(`the scan result reads "${shown}"`);
    await result.getByRole('button', { name: 'Close' }).click();
    await page.getByTestId(`mod-row-${MOD}`).waitFor();
  });

  await step('the server loads the mod after Save, and the library says so', async () => {
    await page.goto(`${baseUrl}/servers/${serverId}?tab=mods`);
    await page.getByTestId('server-mods-empty').waitFor();
    await choose(page, 'server-mods-add-select', `e2e_cba (${MOD})`);
    await page.getByTestId('server-mods-add').click();
    await page.getByTestId(`server-mod-${MOD}`).waitFor();
    await page.getByTestId('server-mods-save').click();
    await eventually(() => page.getByTestId('server-mods-save').isDisabled(), () => 'the mods were not saved');
    await page.getByTestId('nav-mods').click();
    const row = page.getByTestId(`mod-row-${MOD}`);
    await eventually(async () => (await text(row)).includes(serverName), async () => `the library row reads "${await text(row)}"`);
  });

  await step(`${serverName} starts; a rotation change while it runs asks for a restart`, async () => {
    await page.goto(`${baseUrl}/servers/${serverId}?tab=content`);
    await page.getByTestId(`server-start-${serverName}`).click();
    const badge = page.getByTestId(`server-status-${serverName}`);
    await eventually(async () => (await text(badge)) === 'running', async () => `status is "${await text(badge)}"`, STATUS_TIMEOUT);
    await choose(page.getByTestId('rotation-entry-0'), 'rotation-difficulty-0', 'Regular');
    await page.getByTestId('rotation-save').click();
    await page.getByTestId('restart-required').waitFor();
    await page.getByTestId('nav-servers').click();
    await page.getByTestId(`server-restart-required-${serverName}`).waitFor();
    await page.getByTestId(`server-link-${serverName}`).click();
    await page.getByTestId('tab-content').click();
  });

  await step('"Apply now" switches the running mission and shows what was sent', async () => {
    const apply = page.getByTestId('rotation-apply-0');
    // The switch goes over BattlEye RCON, which connects a moment after the start.
    await eventually(
      async () => {
        await apply.click();
        return page
          .getByTestId('rotation-applied')
          .waitFor({ timeout: 2000 })
          .then(() => true)
          .catch(() => false);
      },
      () => 'the switch was never confirmed',
      STATUS_TIMEOUT,
    );
    const shown = await text(page.getByTestId('rotation-applied'));
    if (!shown.includes(`#mission ${MISSION} Regular`)) throw new Error(`the reply reads "${shown}"`);
  });

  await step('the restart from the banner clears it', async () => {
    await page.getByTestId('restart-required-restart').click();
    await page.getByTestId('restart-required').waitFor({ state: 'detached', timeout: STATUS_TIMEOUT });
    const badge = page.getByTestId(`server-status-${serverName}`);
    await eventually(async () => (await text(badge)) === 'running', async () => `status is "${await text(badge)}"`, STATUS_TIMEOUT);
  });

  await step('a viewer sees the files, rotation and mods without the controls to change them', async () => {
    await call('POST', '/api/v1/users', { username: 'e2e-viewer', password: 'viewer-password', role: 'viewer' });
    const viewer = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn('e2e-viewer', 'viewer-password', viewer);
    await viewer.goto(`${baseUrl}/servers/${serverId}?tab=content`);
    await viewer.getByTestId(`content-row-${MISSION}.pbo`).waitFor();
    await viewer.getByTestId('rotation-entry-0').waitFor();
    for (const id of ['upload-drop', 'rotation-save', 'rotation-apply-0', 'rotation-preview-button', `content-delete-${MISSION}.pbo`, 'move-down']) {
      if (await viewer.getByTestId(id).count()) throw new Error(`a viewer is shown ${id}`);
    }
    await viewer.getByTestId('tab-mods').click();
    await viewer.getByTestId(`server-mod-${MOD}`).waitFor();
    if (await viewer.getByTestId('server-mods-save').count()) throw new Error('a viewer can save the mods');
    await viewer.getByTestId('nav-mods').click();
    await viewer.getByTestId(`mod-row-${MOD}`).waitFor();
    if (await viewer.getByTestId('scan-mods').count()) throw new Error('a viewer can scan the mods folder');
    await viewer.context().close();
    await call('POST', `/api/v1/servers/${serverId}/stop`);
  });
});
