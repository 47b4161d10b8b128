// End-to-end browser test for the resource charts and the live host figures.
//
//   LANGUARD_URL=http://127.0.0.1:PORT LANGUARD_ADMIN_PASSWORD=... \
//   LANGUARD_E2E_SRCDS=/abs/path/to/srcds_run LANGUARD_E2E_METRICS_PORT=27559 node e2e/metrics.mjs
//
// The panel must be started with LANGUARD_METRICS_INTERVAL=1 (a sample every second) and
// LANGUARD_PLAYERS_POLL_INTERVAL=1, so that points arrive while the test watches. LANGUARD_E2E_SRCDS
// is a `srcds_run` symlink to target/debug/fakegame. The charts and host card must follow the
// live stream: no figures may be fetched again while they grow.
import { clickPower, createSourceServer, eventually, page, requireEnv, run, signIn, step, text, waitForBadge } from './lib.mjs';

const STATUS_TIMEOUT = 20_000;

const srcds = process.env.LANGUARD_E2E_SRCDS ?? '';
const gamePort = process.env.LANGUARD_E2E_METRICS_PORT ?? '';
const serverName = process.env.LANGUARD_E2E_METRICS_SERVER_NAME ?? 'e2e-metrics';

requireEnv({ LANGUARD_E2E_SRCDS: srcds, LANGUARD_E2E_METRICS_PORT: gamePort });

const attr = async (testId, name) => page.getByTestId(testId).getAttribute(name, { timeout: 2000 }).catch(() => null);
const points = async (testId = 'metrics-caption') => Number((await attr(testId, 'data-points')) ?? -1);

/**
 * The chart's canvas: its size and how many of its pixels are coloured. Axes and grid are grey,
 * so coloured pixels mean a series was drawn (on a fresh panel only a sliver at the right end of
 * the hour).
 */
const canvasOf = (testId) =>
  page
    .getByTestId(testId)
    .locator('canvas')
    .evaluate((c) => {
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
        if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
      }
      return { width: c.getBoundingClientRect().width, coloured };
    }, undefined, { timeout: 2000 })
    .catch(() => ({ width: 0, coloured: 0 }));

async function expectDrawn(testId) {
  await eventually(
    async () => (await canvasOf(testId)).coloured > 0,
    async () => `the chart ${testId} has no series drawn: ${JSON.stringify(await canvasOf(testId))}`,
  );
}

await run({ title: 'the resource charts', passed: 'metrics', screenshot: '/tmp/languard-e2e-metrics-failure.png' }, async () => {
  const requests = [];
  page.on('request', (req) => requests.push(new URL(req.url()).pathname));
  const fetched = (pattern) => requests.filter((p) => pattern.test(p)).length;

  await step('admin logs in and sees the dashboard', async () => {
    await signIn();
    await page.getByTestId('host-card').waitFor();
  });

  await step('the host card follows the live stream without fetching /system/info again', async () => {
    const before = fetched(/^\/api\/v1\/system\/info$/);
    // CPU and load change from one sample to the next, the uptime every minute.
    const figures = async () =>
      [await text(page.getByTestId('meter-cpu')), await text(page.getByTestId('host-load')), await text(page.getByTestId('host-uptime'))].join(' | ');
    let seen = await figures();
    for (let changes = 0; changes < 3; changes++) {
      const last = seen;
      seen = await eventually(
        async () => {
          const now = await figures();
          return now !== last && now;
        },
        () => `the host figures stayed at "${last}"`,
      );
    }
    const after = fetched(/^\/api\/v1\/system\/info$/);
    if (after !== before) throw new Error(`/system/info was fetched ${after - before} more times while the card updated`);
    if (before > 1) throw new Error(`/system/info was fetched ${before} times for one dashboard`);
  });

  await step('the host charts draw the last hour and grow live', async () => {
    await page.getByTestId('host-charts').waitFor();
    await expectDrawn('host-chart-cpu');
    await expectDrawn('host-chart-memory');
    const start = await points('host-charts');
    const requested = fetched(/^\/api\/v1\/system\/metrics$/);
    await eventually(
      async () => (await points('host-charts')) >= start + 2,
      async () => `the host charts stayed at ${await points('host-charts')} points (started at ${start})`,
    );
    if (fetched(/^\/api\/v1\/system\/metrics$/) !== requested) throw new Error('the host figures were fetched again instead of arriving live');
  });

  await step(`admin creates the Source server ${serverName} and starts it`, async () => {
    await createSourceServer({ name: serverName, executable: srcds, port: gamePort });
    await clickPower(serverName, 'start');
    await waitForBadge(serverName, 'running', STATUS_TIMEOUT);
  });

  await step('the server page opens on its overview with drawn CPU and memory charts', async () => {
    await page.getByTestId(`server-link-${serverName}`).click();
    await page.getByTestId('server-page').waitFor();
    await page.getByTestId('server-metrics').waitFor();
    if ((await page.getByTestId('tab-overview').getAttribute('aria-selected')) !== 'true') throw new Error('the Overview tab is not the one shown');
    await eventually(
      async () => (await points()) >= 2,
      async () => `the overview shows ${await points()} points: "${await text(page.getByTestId('server-metrics'))}"`,
      STATUS_TIMEOUT,
    );
    await expectDrawn('metrics-chart-cpu');
    await expectDrawn('metrics-chart-memory');
    if ((await attr('metrics-caption', 'data-resolution')) !== 'raw') throw new Error('the last hour is not shown as raw samples');
  });

  await step('new points arrive live, without the figures being fetched again', async () => {
    const requested = fetched(/^\/api\/v1\/servers\/\d+\/metrics$/);
    const start = await points();
    await eventually(
      async () => (await points()) >= start + 3,
      async () => `the overview stayed at ${await points()} points (started at ${start})`,
    );
    const caption = await text(page.getByTestId('metrics-caption'));
    if (!/^CPU, memory and players: \d+ points, every sample, updating live\.$/.test(caption)) throw new Error(`the caption reads "${caption}"`);
    const again = fetched(/^\/api\/v1\/servers\/\d+\/metrics$/) - requested;
    if (again !== 0) throw new Error(`the figures were fetched ${again} times while points arrived live`);
  });

  await step('the players chart appears once RCON reports a count', async () => {
    await eventually(
      async () => (await page.getByTestId('metrics-chart-players').count()) > 0,
      async () => `no players chart: "${await text(page.getByTestId('metrics-no-players'))}"`,
      STATUS_TIMEOUT,
    );
    await page.getByTestId('metrics-chart-players').locator('canvas').waitFor();
  });

  await step('24 h shows minute averages with their band, 1 h goes back to live samples', async () => {
    await page.getByTestId('metrics-range').getByText('24 h').click();
    await eventually(
      async () => (await attr('metrics-caption', 'data-resolution')) === '1m',
      async () => `the 24 h range shows "${await text(page.getByTestId('metrics-caption'))}"`,
    );
    const caption = await text(page.getByTestId('metrics-caption'));
    if (!caption.includes('1-minute averages, shaded from minimum to maximum') || caption.includes('updating live')) {
      throw new Error(`the 24 h caption reads "${caption}"`);
    }
    await expectDrawn('metrics-chart-cpu');
    await page.getByTestId('metrics-range').getByText('1 h').click();
    await eventually(
      async () => (await attr('metrics-caption', 'data-resolution')) === 'raw',
      async () => `back on 1 h the overview shows "${await text(page.getByTestId('metrics-caption'))}"`,
    );
  });

  await step('the charts follow the width of the page and the colour scheme', async () => {
    const wide = (await canvasOf('metrics-chart-cpu')).width;
    await page.setViewportSize({ width: 900, height: 900 });
    await eventually(
      async () => (await canvasOf('metrics-chart-cpu')).width < wide - 100,
      async () => `the chart stayed ${(await canvasOf('metrics-chart-cpu')).width}px wide (was ${wide}px) in a narrower window`,
    );
    await page.setViewportSize({ width: 1280, height: 900 });
    const scheme = () => page.evaluate(() => document.documentElement.dataset.mantineColorScheme);
    const before = await scheme();
    await page.getByTestId('theme-toggle').click();
    await eventually(async () => (await scheme()) !== before, () => 'the colour scheme did not change');
    await expectDrawn('metrics-chart-cpu');
    await expectDrawn('metrics-chart-memory');
    await page.getByTestId('theme-toggle').click();
  });

  await step(`${serverName} stops and the overview says no new figures will come`, async () => {
    await clickPower(serverName, 'stop');
    await page.getByTestId('metrics-not-running').waitFor({ timeout: STATUS_TIMEOUT });
    await expectDrawn('metrics-chart-cpu');
  });
});
