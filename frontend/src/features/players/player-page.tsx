import { Alert, Anchor, Avatar, Badge, Card, Group, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconExternalLink } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { Identity } from '../../components/ui/identity';
import { QueryError } from '../../components/ui/query-error';
import { TableCard } from '../../components/ui/table-card';
import { hasRole, useCurrentUser } from '../../lib/auth';
import { useNow } from '../../lib/now';
import { formatDateTime, formatDuration, secondsBetween } from '../../utils/format';
import { usePlayer, type Session } from './api';
import { BanTable } from './ban-table';
import { KIND_LABELS } from './kinds';

function BackLink() {
  return (
    <Anchor component={Link} to="/players" size="sm" c="dimmed">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} />
        Players
      </Group>
    </Anchor>
  );
}

function Info({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text component="div" size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Stack>
  );
}

function Sessions({ sessions, isAdmin }: { sessions: Session[]; isAdmin: boolean }) {
  const now = useNow(5000);
  const cols = isAdmin ? 5 : 4;
  return (
    <TableCard minWidth={isAdmin ? 720 : 600} verticalSpacing="xs" data-testid="player-sessions">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Server</Table.Th>
          <Table.Th>Name used</Table.Th>
          <Table.Th>Joined</Table.Th>
          <Table.Th>Length</Table.Th>
          {isAdmin && <Table.Th>IP</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {sessions.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={cols}>
              <Text c="dimmed" ta="center" py="md">
                No visits recorded.
              </Text>
            </Table.Td>
          </Table.Tr>
        )}
        {sessions.map((s) => (
          <Table.Tr key={s.id}>
            <Table.Td>
              <Anchor component={Link} to={`/servers/${s.server_id}?tab=players`} size="sm">
                {s.server_name}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{s.name}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                {formatDateTime(s.joined_at)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Group gap={6} wrap="nowrap">
                <Text size="sm">
                  {formatDuration(secondsBetween(s.joined_at, s.left_at ? Date.parse(s.left_at) : now))}
                </Text>
                {!s.left_at && (
                  <Badge color="teal" variant="light" size="sm">
                    online
                  </Badge>
                )}
              </Group>
            </Table.Td>
            {isAdmin && (
              <Table.Td>
                <Text size="sm" ff="monospace" c={s.ip ? undefined : 'dimmed'}>
                  {s.ip ?? '—'}
                </Text>
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </TableCard>
  );
}

export function PlayerPage() {
  const params = useParams();
  const id = Number(params.id);
  const valid = Number.isInteger(id) && id > 0;
  const detail = usePlayer(valid ? id : 0);
  const me = useCurrentUser();
  const isAdmin = hasRole(me.data?.role, 'admin');
  const canLift = hasRole(me.data?.role, 'operator');

  if (!valid || (detail.error instanceof ApiError && detail.error.status === 404)) {
    return (
      <Stack>
        <BackLink />
        <Alert color="orange" variant="light" title="Player not found" data-testid="player-not-found">
          No player with this id has been seen.
        </Alert>
      </Stack>
    );
  }
  if (detail.isError && !detail.data) return <QueryError error={detail.error} onRetry={() => detail.refetch()} />;
  if (detail.isPending) {
    return (
      <Stack>
        <BackLink />
        <Skeleton h={36} w={260} />
        <Skeleton h={140} />
      </Stack>
    );
  }

  const { player: p, names, sessions, bans } = detail.data;
  return (
    <Stack gap="lg" data-testid="player-page">
      <Stack gap={6}>
        <BackLink />
        <Group gap="md" align="center">
          <Avatar src={p.avatar_url ?? null} size={56} radius="xl" alt="" color="teal">
            {p.name.slice(0, 2).toUpperCase()}
          </Avatar>
          <Stack gap={2}>
            <Group gap="sm">
              <Title order={2} data-testid="player-name-title" style={{ overflowWrap: 'anywhere' }}>
                {p.name}
              </Title>
              {p.online_on.length > 0 && (
                <Badge color="teal" variant="light">
                  online
                </Badge>
              )}
              {p.banned && (
                <Badge color="red" variant="filled" data-testid="player-banned">
                  banned
                </Badge>
              )}
            </Group>
            {p.steam_name && (
              <Text size="sm" c="dimmed">
                Steam: {p.steam_name}
              </Text>
            )}
          </Stack>
        </Group>
      </Stack>

      <Card withBorder padding="lg">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="lg" verticalSpacing="md">
          <Info label={KIND_LABELS[p.kind]}>
            <Identity value={p.identity} full testId="player-identity" />
          </Info>
          <Info label="First seen">{formatDateTime(p.first_seen)}</Info>
          <Info label="Last seen">{formatDateTime(p.last_seen)}</Info>
          <Info label="Steam profile">
            {p.profile_url ? (
              <Anchor href={p.profile_url} target="_blank" rel="noopener noreferrer" size="sm">
                <Group gap={4} component="span">
                  Open profile <IconExternalLink size={14} />
                </Group>
              </Anchor>
            ) : (
              <Text span size="sm" c="dimmed">
                —
              </Text>
            )}
          </Info>
        </SimpleGrid>
      </Card>

      <Stack gap="xs">
        <Title order={4}>Names used</Title>
        <Group gap="xs" data-testid="player-names">
          {names.map((n) => (
            <Badge
              key={n.name}
              variant="light"
              color="gray"
              size="lg"
              radius="sm"
              style={{ textTransform: 'none' }}
              title={`${formatDateTime(n.first_seen)} – ${formatDateTime(n.last_seen)}`}
            >
              {n.name}
            </Badge>
          ))}
        </Group>
      </Stack>

      <Stack gap="xs">
        <Title order={4}>Visits</Title>
        <Sessions sessions={sessions} isAdmin={isAdmin} />
      </Stack>

      <Stack gap="xs">
        <Title order={4}>Bans</Title>
        <BanTable bans={bans} showPlayer={false} canLift={canLift} emptyText="Never banned." />
      </Stack>
    </Stack>
  );
}
