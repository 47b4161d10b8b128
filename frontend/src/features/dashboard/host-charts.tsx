import { SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { useMemo, type ReactNode } from 'react';
import { BYTE_TICKS, MetricChart } from '../../components/ui/metric-chart';
import { QueryError } from '../../components/ui/query-error';
import { toColumns } from '../../lib/metrics/series';
import { formatBytes, formatPercent } from '../../utils/format';
import { useHostMetrics } from './api';

function Titled({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {title}
      </Text>
      {children}
    </Stack>
  );
}

/** The host's CPU and memory over the last hour, drawn up to the whole machine. */
export function HostCharts({ memoryTotal }: { memoryTotal: number }) {
  const { query, view } = useHostMetrics();
  const columns = useMemo(
    () =>
      view && {
        cpu: toColumns(view.points, (p) => p.cpu_percent, view.step),
        memory: toColumns(view.points, (p) => p.memory_bytes, view.step),
      },
    [view],
  );
  if (query.isPending) return <Skeleton h={190} />;
  if (!view || !columns) return <QueryError error={query.error} onRetry={() => query.refetch()} />;
  if (view.points.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="host-charts-empty">
        No host figures for the last hour yet: they are recorded every few seconds.
      </Text>
    );
  }
  const chart = { banded: false, xRange: view.window, syncKey: 'host-metrics', height: 140 };
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl" data-testid="host-charts" data-points={view.points.length}>
      <Titled title="CPU, last hour">
        <MetricChart label="CPU" columns={columns.cpu} format={formatPercent} yMax={100} color="teal" testId="host-chart-cpu" {...chart} />
      </Titled>
      <Titled title="Memory used, last hour">
        <MetricChart
          label="Memory"
          columns={columns.memory}
          format={formatBytes}
          ticks={BYTE_TICKS}
          yMax={memoryTotal > 0 ? memoryTotal : undefined}
          color="blue"
          testId="host-chart-memory"
          {...chart}
        />
      </Titled>
    </SimpleGrid>
  );
}
