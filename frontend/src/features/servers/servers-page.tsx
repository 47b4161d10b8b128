import { Anchor, Button, Card, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconPlus, IconServer2 } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/ui/page-header';
import { PagedTable } from '../../components/ui/paged-table';
import { TableCard } from '../../components/ui/table-card';
import { StatusBadge } from '../../components/ui/status-badge';
import { hasRole, useCurrentUser } from '../../lib/auth';
import { useNow } from '../../lib/now';
import { usePaging } from '../../lib/use-paging';
import { formatDuration } from '../../utils/format';
import { uptimeAt, useGames, useServers } from './api';
import { CreateServerModal } from './create-server-modal';
import { LiveBadge, RconErrorMarker } from './live-ui';
import { RestartRequiredBadge } from './restart-ui';
import { PortList, PowerButtons } from './server-ui';

export function ServersPage() {
  const paging = usePaging(50);
  const servers = useServers(paging.page, paging.perPage);
  const games = useGames();
  const me = useCurrentUser();
  const isAdmin = hasRole(me.data?.role, 'admin');
  const canPower = hasRole(me.data?.role, 'operator');
  const [creating, setCreating] = useState(false);
  const now = useNow(1000);
  const gameName = (id: string) => games.data?.find((g) => g.id === id)?.name ?? id;
  const cols = canPower ? 6 : 5;

  return (
    <div data-testid="servers-page">
      <PageHeader
        title="Servers"
        description="Game servers managed by this host. States and player counts update as they change."
        action={
          isAdmin && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="create-server-button">
              Create server
            </Button>
          )
        }
      />

      <PagedTable paging={paging} total={servers.data?.total} query={servers}>
        {servers.data && servers.data.total === 0 ? (
          <Card withBorder padding="xl" data-testid="servers-empty">
            <Stack align="center" gap="xs">
              <IconServer2 size={40} stroke={1.3} color="var(--mantine-color-dimmed)" />
              <Text fw={500}>No servers yet</Text>
              <Text size="sm" c="dimmed" ta="center">
                {isAdmin ? 'Create one to start managing a game server.' : 'An admin has not added any game servers yet.'}
              </Text>
              {isAdmin && (
                <Button mt="sm" leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
                  Create server
                </Button>
              )}
            </Stack>
          </Card>
        ) : (
          <TableCard minWidth={canPower ? 900 : 720} verticalSpacing="sm" highlightOnHover data-testid="servers-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Game</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Ports</Table.Th>
                <Table.Th>Uptime</Table.Th>
                {canPower && <Table.Th w={190}>Actions</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {servers.isPending &&
                [0, 1, 2].map((i) => (
                  <Table.Tr key={i}>
                    <Table.Td colSpan={cols}>
                      <Skeleton h={20} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              {servers.data?.items.map((s) => {
                const uptime = uptimeAt(s, now);
                return (
                  <Table.Tr key={s.id} data-testid={`server-row-${s.name}`}>
                    <Table.Td>
                      <Anchor component={Link} to={`/servers/${s.id}`} fw={500} size="sm" data-testid={`server-link-${s.name}`}>
                        {s.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{gameName(s.game)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <StatusBadge status={s.status} testId={`server-status-${s.name}`} />
                        {s.live && <LiveBadge live={s.live} testId={`server-live-${s.name}`} />}
                        {s.rcon && <RconErrorMarker rcon={s.rcon} testId={`server-rcon-error-${s.name}`} />}
                        {s.restart_required && <RestartRequiredBadge testId={`server-restart-required-${s.name}`} />}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <PortList ports={s.ports} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={uptime == null ? 'dimmed' : undefined}>
                        {uptime == null ? '—' : formatDuration(uptime)}
                      </Text>
                    </Table.Td>
                    {canPower && (
                      <Table.Td>
                        <PowerButtons server={s} compact />
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </TableCard>
        )}
      </PagedTable>

      {isAdmin && <CreateServerModal opened={creating} onClose={() => setCreating(false)} />}
    </div>
  );
}
