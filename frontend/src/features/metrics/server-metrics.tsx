import { Card, Group, Loader, SegmentedControl, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState, type ReactNode } from 'react';
import { errorMessage } from '../../api/errors';
import { BYTE_TICKS, COUNT_TICKS, MetricChart } from '../../components/ui/metric-chart';
import { QueryError } from '../../components/ui/query-error';
import { RANGES, RANGE_KEYS, describeResolution, hasValues, toColumns, type RangeKey } from '../../lib/metrics/series';
import { formatBytes, formatCount, formatPercent } from '../../utils/format';
import type { Server } from '../../api/client';
import { useServerMetrics } from './metrics-api';

const SYNC_KEY = 'server-metrics';

function ChartBlock({ title, hint, children }: { title: string; hint: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Group gap="xs" align="baseline">
        <Text size="sm" fw={600}>
          {title}
        </Text>
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      </Group>
      {children}
    </Stack>
  );
}

/** The Overview tab: CPU, memory and players over a chosen range, live for the last hour. */
export function ServerMetrics({ server }: { server: Server }) {
  const [range, setRange] = useState<RangeKey>('1h');
  const { query, view } = useServerMetrics(server.id, range);
  const spec = RANGES[range];
  const columns = useMemo(
    () =>
      view && {
        cpu: toColumns(view.points, (p) => p.cpu_percent, view.step),
        memory: toColumns(view.points, (p) => p.memory_bytes, view.step),
        players: toColumns(view.points, (p) => p.players, view.step),
      },
    [view],
  );
  const running = server.status === 'running';
  const switching = query.isPlaceholderData;

  let body: ReactNode;
  if (query.isPending || (switching && view?.points.length === 0)) {
    body = <Skeleton h={480} />;
  } else if (!view || !columns) {
    body = <QueryError error={query.error} onRetry={() => query.refetch()} />;
  } else if (view.points.length === 0) {
    body = (
      <Text size="sm" c="dimmed" data-testid="metrics-empty">
        {running
          ? `No figures yet for ${spec.words}: the first ones arrive a few seconds after the server starts.`
          : `No figures for ${spec.words}: they are recorded while the server runs, and ${server.name} is ${server.status}.`}
      </Text>
    );
  } else {
    const banded = view.resolution !== 'raw';
    const chart = { banded, xRange: view.window, syncKey: SYNC_KEY };
    const n = view.points.length;
    body = (
      <Stack gap="lg">
        <Stack gap={2}>
          <Text size="xs" c="dimmed" data-testid="metrics-caption" data-points={n} data-resolution={view.resolution}>
            CPU, memory and players: {n} point{n === 1 ? '' : 's'}, {describeResolution(view.resolution)}
            {spec.live && !switching ? ', updating live' : ''}.
          </Text>
          {!running && spec.live && (
            <Text size="xs" c="dimmed" data-testid="metrics-not-running">
              {server.name} is {server.status}: no new figures until it runs again.
            </Text>
          )}
          {query.isError && (
            <Text size="xs" c="red">
              Could not refresh the figures: {errorMessage(query.error)}
            </Text>
          )}
        </Stack>
        <ChartBlock title="CPU" hint="percent of one core, over 100 when the game uses several">
          <MetricChart label="CPU" columns={columns.cpu} format={formatPercent} color="teal" testId="metrics-chart-cpu" {...chart} />
        </ChartBlock>
        <ChartBlock title="Memory" hint="resident memory of the server and the processes it started">
          <MetricChart
            label="Memory"
            columns={columns.memory}
            format={formatBytes}
            ticks={BYTE_TICKS}
            color="blue"
            testId="metrics-chart-memory"
            {...chart}
          />
        </ChartBlock>
        <ChartBlock title="Players" hint="as the game reported them over RCON">
          {hasValues(columns.players) ? (
            <MetricChart
              label="Players"
              columns={columns.players}
              format={formatCount}
              ticks={COUNT_TICKS}
              color="indigo"
              testId="metrics-chart-players"
              {...chart}
            />
          ) : (
            <Text size="sm" c="dimmed" data-testid="metrics-no-players">
              No player counts for {spec.words}: they are read over RCON, which did not answer.
            </Text>
          )}
        </ChartBlock>
      </Stack>
    );
  }

  return (
    <Card withBorder padding="lg" data-testid="server-metrics">
      <Group justify="space-between" mb="md" gap="sm">
        <Group gap="sm">
          <Title order={4}>Resource usage</Title>
          {switching && <Loader size="xs" aria-label="Loading" />}
        </Group>
        <SegmentedControl
          size="xs"
          value={range}
          onChange={(v) => setRange(v as RangeKey)}
          data={RANGE_KEYS.map((k) => ({ value: k, label: RANGES[k].label }))}
          aria-label="Time range"
          data-testid="metrics-range"
        />
      </Group>
      {body}
    </Card>
  );
}
