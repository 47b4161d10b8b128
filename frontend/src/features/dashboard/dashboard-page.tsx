import { Anchor, Badge, Box, Card, Grid, Group, Progress, SimpleGrid, Skeleton, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCpu, IconDatabase, IconDeviceDesktop, IconDeviceGamepad2, IconServer2 } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Schemas } from '../../api/client';
import { PageHeader } from '../../components/ui/page-header';
import { QueryError } from '../../components/ui/query-error';
import { StatusBadge } from '../../components/ui/status-badge';
import { useNow } from '../../lib/now';
import { formatBytes, formatDateTime, formatDuration, percent, secondsBetween } from '../../utils/format';
import { useHostInfo, useServersOverview, useSystemStatus } from './api';
import { HostCharts } from './host-charts';
import { summarize } from './summary';

function usageColor(p: number) {
  return p >= 90 ? 'red' : p >= 75 ? 'orange' : 'teal';
}

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={500} ta="right" data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Group>
  );
}

function Meter({ label, used, total, detail, testId }: { label: string; used: number; total: number; detail?: string; testId: string }) {
  const p = percent(used, total);
  return (
    <Stack gap={4} data-testid={testId}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Text size="sm" c="dimmed">
          {total > 0 ? (detail ?? `${formatBytes(used)} / ${formatBytes(total)}`) : 'not available'}
        </Text>
      </Group>
      <Progress value={p} color={usageColor(p)} size="lg" radius="xl" aria-label={`${label} ${p.toFixed(0)}%`} />
    </Stack>
  );
}

function CardTitle({ icon, title, extra }: { icon: ReactNode; title: string; extra?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md">
      <Group gap="sm">
        <ThemeIcon variant="light" size="lg">
          {icon}
        </ThemeIcon>
        <Title order={4}>{title}</Title>
      </Group>
      {extra}
    </Group>
  );
}

function StatusCard() {
  const status = useSystemStatus();
  const now = useNow(1000);
  return (
    <Card withBorder padding="lg" data-testid="status-card">
      <CardTitle
        icon={<IconServer2 size={20} />}
        title="Languard"
        extra={
          status.data && (
            <Badge color="teal" variant="dot">
              running
            </Badge>
          )
        }
      />
      {status.isPending ? (
        <Skeleton h={90} />
      ) : status.isError ? (
        <QueryError error={status.error} onRetry={() => status.refetch()} />
      ) : (
        <Stack gap="xs">
          <Row label="Version" testId="status-version">
            {status.data.version}
          </Row>
          <Row label="Database">
            <Group gap={6} component="span" justify="flex-end">
              <IconDatabase size={14} />
              {status.data.database === 'postgres' ? 'PostgreSQL' : 'SQLite'}
            </Group>
          </Row>
          <Row label="Uptime" testId="status-uptime">
            {formatDuration(secondsBetween(status.data.started_at, now))}
          </Row>
          <Row label="Started">{formatDateTime(status.data.started_at)}</Row>
        </Stack>
      )}
    </Card>
  );
}

function HostCard() {
  const host = useHostInfo();
  if (host.isPending) {
    return (
      <Card withBorder padding="lg">
        <Skeleton h={220} />
      </Card>
    );
  }
  if (host.isError) {
    return (
      <Card withBorder padding="lg">
        <QueryError error={host.error} onRetry={() => host.refetch()} />
      </Card>
    );
  }
  const h: Schemas['HostInfo'] = host.data;
  const cpu = Math.min(100, Math.max(0, h.cpu_usage_percent));
  const diskUsed = Math.max(0, h.data_dir.total_bytes - h.data_dir.available_bytes);
  return (
    <Card withBorder padding="lg" data-testid="host-card">
      <CardTitle icon={<IconDeviceDesktop size={20} />} title={h.hostname} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
        <Stack gap="xs">
          <Row label="Operating system">{h.os}</Row>
          <Row label="Kernel">{h.kernel}</Row>
          <Row label="CPU">
            <Group gap={6} component="span" justify="flex-end" wrap="nowrap">
              <IconCpu size={14} />
              {h.cpu_brand || 'unknown'} × {h.cpu_count}
            </Group>
          </Row>
          <Row label="Load average" testId="host-load">
            {h.load_average.one.toFixed(2)} · {h.load_average.five.toFixed(2)} · {h.load_average.fifteen.toFixed(2)}
          </Row>
          <Row label="Host uptime" testId="host-uptime">
            {formatDuration(h.uptime_seconds)}
          </Row>
          <Row label="Data directory">{h.data_dir.path}</Row>
        </Stack>
        <Stack gap="md">
          <Meter label="CPU" used={cpu} total={100} detail={`${cpu.toFixed(1)} %`} testId="meter-cpu" />
          <Meter label="Memory" used={h.memory_used_bytes} total={h.memory_total_bytes} testId="meter-memory" />
          <Meter label="Swap" used={h.swap_used_bytes} total={h.swap_total_bytes} testId="meter-swap" />
          <Meter
            label="Disk (data directory)"
            used={diskUsed}
            total={h.data_dir.total_bytes}
            detail={`${formatBytes(h.data_dir.available_bytes)} free of ${formatBytes(h.data_dir.total_bytes)}`}
            testId="meter-disk"
          />
        </Stack>
      </SimpleGrid>
      <Box mt="xl">
        <HostCharts memoryTotal={h.memory_total_bytes} />
      </Box>
    </Card>
  );
}

const SHOWN_SERVERS = 8;

function ServersCard() {
  const servers = useServersOverview();
  if (servers.isPending) {
    return (
      <Card withBorder padding="lg">
        <Skeleton h={140} />
      </Card>
    );
  }
  if (servers.isError) {
    return (
      <Card withBorder padding="lg">
        <QueryError error={servers.error} onRetry={() => servers.refetch()} />
      </Card>
    );
  }
  const sum = summarize(servers.data.items, servers.data.total);
  const shown = sum.ordered.slice(0, SHOWN_SERVERS);
  return (
    <Card withBorder padding="lg" data-testid="servers-card">
      <CardTitle
        icon={<IconDeviceGamepad2 size={20} />}
        title="Game servers"
        extra={
          <Anchor component={Link} to="/servers" size="sm">
            All servers
          </Anchor>
        }
      />
      {sum.total === 0 ? (
        <Text c="dimmed" size="sm" data-testid="servers-card-empty">
          No game servers yet.
        </Text>
      ) : (
        <Stack gap="md">
          <Group gap="xs">
            <Badge variant="light" color="teal" size="lg" style={{ textTransform: 'none' }} data-testid="servers-card-running">
              {sum.running} of {sum.total} running
            </Badge>
            {sum.failing > 0 && (
              <Badge variant="light" color="red" size="lg" style={{ textTransform: 'none' }} data-testid="servers-card-failing">
                {sum.failing} crashed or failed
              </Badge>
            )}
            <Badge variant="light" color="indigo" size="lg" style={{ textTransform: 'none' }} data-testid="servers-card-players">
              {sum.players} player{sum.players === 1 ? '' : 's'} online
            </Badge>
          </Group>
          <Table.ScrollContainer minWidth={420}>
            <Table verticalSpacing={6}>
              <Table.Tbody>
                {shown.map((s) => (
                  <Table.Tr key={s.id} data-testid={`dashboard-server-${s.name}`}>
                    <Table.Td>
                      <Anchor component={Link} to={`/servers/${s.id}`} size="sm" fw={500}>
                        {s.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td w={110}>
                      <StatusBadge status={s.status} size="sm" testId={`dashboard-server-status-${s.name}`} />
                    </Table.Td>
                    <Table.Td w={150}>
                      <Text size="sm" c={s.live ? undefined : 'dimmed'} ta="right">
                        {s.live ? `${s.live.players}${s.live.max_players != null ? `/${s.live.max_players}` : ''} players` : '—'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {sum.total > shown.length && (
            <Text size="xs" c="dimmed">
              and {sum.total - shown.length} more
            </Text>
          )}
        </Stack>
      )}
    </Card>
  );
}

export function DashboardPage() {
  return (
    <div data-testid="dashboard">
      <PageHeader
        title="Dashboard"
        description="Game servers update as they change; host figures with every sample, a few seconds apart."
      />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <StatusCard />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <ServersCard />
        </Grid.Col>
        <Grid.Col span={12}>
          <HostCard />
        </Grid.Col>
      </Grid>
    </div>
  );
}
