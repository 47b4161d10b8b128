import { Alert, Anchor, Card, Group, SimpleGrid, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconChartLine, IconFileText, IconListDetails, IconSettings, IconAdjustments, IconMap, IconPuzzle, IconTerminal2, IconUsers } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { QueryError } from '../../components/ui/query-error';
import { StatusBadge } from '../../components/ui/status-badge';
import { ServerConsole } from '../../features/console/server-console';
import { contentLabel } from '../../features/content/content';
import { isUnsupported, useContent } from '../../features/content/content-api';
import { ServerContent } from '../../features/content/server-content';
import { ServerMods } from '../../features/content/server-mods';
import { ServerLogs } from '../../features/logs/server-logs';
import { ServerMetrics } from '../../features/metrics/server-metrics';
import { uptimeAt, useGames, useServer, type Server } from '../../features/servers/api';
import { LiveBadge, RconErrorMarker } from '../../features/servers/live-ui';
import { RestartRequiredBanner } from '../../features/servers/restart-ui';
import { ServerConfig } from '../../features/servers/server-config';
import { ServerEvents } from '../../features/servers/server-events';
import { ServerPlayersTab } from '../../features/servers/server-players';
import { ServerSettings } from '../../features/servers/server-settings';
import { PortList, PowerButtons } from '../../features/servers/server-ui';
import { hasRole, useCurrentUser } from '../../lib/auth';
import { useNow } from '../../lib/now';
import { formatDateTime, formatDuration } from '../../utils/format';

function Info({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text component="div" size="sm" fw={500} data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Stack>
  );
}

function Uptime({ server }: { server: Server }) {
  const uptime = uptimeAt(server, useNow(1000));
  return uptime == null ? '—' : formatDuration(uptime);
}

function BackLink() {
  return (
    <Anchor component={Link} to="/servers" size="sm" c="dimmed">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} />
        Servers
      </Group>
    </Anchor>
  );
}

const TABS = ['overview', 'events', 'console', 'logs', 'players', 'content', 'mods', 'config', 'settings'] as const;

export function ServerPage() {
  const params = useParams();
  const id = Number(params.id);
  const server = useServer(Number.isInteger(id) && id > 0 ? id : 0);
  // Its kind names the tab; games without a content folder answer 409 and get no tab.
  const content = useContent(server.data?.id ?? 0);
  const games = useGames();
  const me = useCurrentUser();
  const role = me.data?.role;
  const isAdmin = hasRole(role, 'admin');
  const [search, setSearch] = useSearchParams();
  const tabParam = search.get('tab');
  const hidden = (t: string) =>
    (t === 'settings' && !isAdmin) ||
    (t === 'content' && isUnsupported(content.error)) ||
    (t === 'mods' && server.data !== undefined && server.data.game !== 'arma3');
  const tab = TABS.includes(tabParam as (typeof TABS)[number]) && !hidden(tabParam!) ? tabParam! : 'overview';

  if (!Number.isInteger(id) || id <= 0 || (server.error instanceof ApiError && server.error.status === 404)) {
    return (
      <Stack>
        <BackLink />
        <Alert color="orange" variant="light" title="Server not found" data-testid="server-not-found">
          It may have been deleted.
        </Alert>
      </Stack>
    );
  }
  if (server.isError && !server.data) return <QueryError error={server.error} onRetry={() => server.refetch()} />;
  if (server.isPending) {
    return (
      <Stack>
        <BackLink />
        <Skeleton h={36} w={260} />
        <Skeleton h={140} />
      </Stack>
    );
  }

  const s = server.data;
  const game = games.data?.find((g) => g.id === s.game);
  const isArma = s.game === 'arma3';

  return (
    <Stack gap="lg" data-testid="server-page">
      <Stack gap={6}>
        <BackLink />
        <Group justify="space-between" align="flex-end" gap="sm">
          <Stack gap={4}>
            <Group gap="sm" align="center">
              <Title order={2} data-testid="server-name-title" style={{ overflowWrap: 'anywhere' }}>
                {s.name}
              </Title>
              <StatusBadge status={s.status} size="lg" testId={`server-status-${s.name}`} />
              {s.live && <LiveBadge live={s.live} testId="server-live" />}
              {s.rcon && <RconErrorMarker rcon={s.rcon} testId="server-rcon-error" />}
            </Group>
            <Text c="dimmed" size="sm">
              {game?.name ?? s.game}
            </Text>
          </Stack>
          {hasRole(role, 'operator') && <PowerButtons server={s} />}
        </Group>
      </Stack>

      {s.restart_required && <RestartRequiredBanner server={s} canRestart={hasRole(role, 'operator')} />}

      <Card withBorder padding="lg">
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="lg" verticalSpacing="md">
          <Info label="PID" testId="server-pid">
            {s.pid ?? '—'}
          </Info>
          <Info label="Uptime" testId="server-uptime">
            <Uptime server={s} />
          </Info>
          <Info label="Started">{formatDateTime(s.started_at)}</Info>
          <Info label="Ports">
            <PortList ports={s.ports} />
          </Info>
          <Info label="Auto restart">{s.auto_restart ? `on (max ${s.max_restarts} per ${formatDuration(s.restart_window_secs)})` : 'off'}</Info>
          <Info label="Created">{formatDateTime(s.created_at)}</Info>
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, md: 2 }} mt="md" spacing="lg">
          <Info label="Directory" testId="server-directory">
            <Text span ff="monospace" size="sm">
              {s.directory}
            </Text>
          </Info>
          <Info label="Executable">
            <Text span ff="monospace" size="sm">
              {s.executable}
            </Text>
          </Info>
        </SimpleGrid>
      </Card>

      <Tabs
        value={tab}
        onChange={(v) => setSearch(v && v !== 'overview' ? { tab: v } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="overview" leftSection={<IconChartLine size={16} />} data-testid="tab-overview">
            Overview
          </Tabs.Tab>
          <Tabs.Tab value="events" leftSection={<IconListDetails size={16} />} data-testid="tab-events">
            Events
          </Tabs.Tab>
          <Tabs.Tab value="console" leftSection={<IconTerminal2 size={16} />} data-testid="tab-console">
            Console
          </Tabs.Tab>
          <Tabs.Tab value="logs" leftSection={<IconFileText size={16} />} data-testid="tab-logs">
            Logs
          </Tabs.Tab>
          <Tabs.Tab value="players" leftSection={<IconUsers size={16} />} data-testid="tab-players">
            Players
          </Tabs.Tab>
          {content.data && (
            <Tabs.Tab value="content" leftSection={<IconMap size={16} />} data-testid="tab-content">
              {contentLabel(content.data.kind)}
            </Tabs.Tab>
          )}
          {isArma && (
            <Tabs.Tab value="mods" leftSection={<IconPuzzle size={16} />} data-testid="tab-mods">
              Mods
            </Tabs.Tab>
          )}
          <Tabs.Tab value="config" leftSection={<IconAdjustments size={16} />} data-testid="tab-config">
            Configuration
          </Tabs.Tab>
          {isAdmin && (
            <Tabs.Tab value="settings" leftSection={<IconSettings size={16} />} data-testid="tab-settings">
              Settings
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="overview">
          <ServerMetrics key={s.id} server={s} />
        </Tabs.Panel>
        <Tabs.Panel value="events">
          <ServerEvents serverId={s.id} />
        </Tabs.Panel>
        <Tabs.Panel value="console">
          <ServerConsole key={s.id} server={s} canCommand={hasRole(role, 'operator')} />
        </Tabs.Panel>
        <Tabs.Panel value="logs">
          <ServerLogs key={s.id} server={s} isAdmin={isAdmin} />
        </Tabs.Panel>
        <Tabs.Panel value="players">
          <ServerPlayersTab server={s} canModerate={hasRole(role, 'operator')} isAdmin={isAdmin} />
        </Tabs.Panel>
        <Tabs.Panel value="content">
          <ServerContent key={s.id} server={s} isAdmin={isAdmin} canApply={hasRole(role, 'operator')} />
        </Tabs.Panel>
        {isArma && (
          <Tabs.Panel value="mods">
            <ServerMods key={s.id} server={s} isAdmin={isAdmin} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="config">
          <ServerConfig server={s} game={game} isAdmin={isAdmin} />
        </Tabs.Panel>
        {isAdmin && (
          <Tabs.Panel value="settings">
            <ServerSettings server={s} game={game} />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
