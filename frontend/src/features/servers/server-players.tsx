import { ActionIcon, Alert, Anchor, Avatar, Button, Card, Group, Skeleton, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconBan, IconDoorExit, IconInfoCircle, IconMessage } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { Identity } from '../../components/ui/identity';
import { QueryError } from '../../components/ui/query-error';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useNow } from '../../lib/now';
import { formatDateTime, formatDuration, secondsBetween } from '../../utils/format';
import type { Server } from './api';
import { LiveBadge, RconStatusLine } from './live-ui';
import { BanDialog, KickDialog } from './player-dialogs';
import { useSay, useServerPlayers, type OnlinePlayer, type ServerPlayers } from './players-api';
import { ServerSessions } from './server-sessions';

interface Props {
  server: Server;
  canModerate: boolean;
  isAdmin: boolean;
}

function NotMonitored({ server }: { server: Server }) {
  const text =
    server.status !== 'running'
      ? 'The roster is shown while the server runs.'
      : 'This game has no RCON link, so Languard cannot see who is on it.';
  return (
    <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} data-testid="players-not-monitored">
      {text}
    </Alert>
  );
}

function PlayerName({ p }: { p: OnlinePlayer }) {
  return (
    <Group gap="sm" wrap="nowrap">
      <Avatar src={p.avatar_url ?? null} size={28} radius="xl" alt="" color="teal">
        {p.name.slice(0, 2).toUpperCase()}
      </Avatar>
      <Stack gap={0}>
        <Anchor component={Link} to={`/players/${p.player_id}`} size="sm" fw={500} data-testid="roster-player-name">
          {p.name}
        </Anchor>
        {p.steam_name && p.steam_name !== p.name && (
          <Text size="xs" c="dimmed">
            Steam: {p.steam_name}
          </Text>
        )}
      </Stack>
    </Group>
  );
}

function Roster({ data, serverId, canModerate, isAdmin }: { data: ServerPlayers; serverId: number; canModerate: boolean; isAdmin: boolean }) {
  const now = useNow(1000);
  const [kicking, setKicking] = useState<OnlinePlayer | null>(null);
  const [banning, setBanning] = useState<OnlinePlayer | null>(null);
  const cols = 4 + (isAdmin ? 1 : 0) + (canModerate ? 1 : 0);
  const linkUp = data.rcon?.state === 'connected';

  return (
    <Card withBorder padding={0}>
      <Table.ScrollContainer minWidth={isAdmin ? 760 : 600}>
        <Table verticalSpacing="xs" highlightOnHover data-testid="roster-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Identity</Table.Th>
              <Table.Th>Ping</Table.Th>
              <Table.Th>Online for</Table.Th>
              {isAdmin && <Table.Th>IP</Table.Th>}
              {canModerate && <Table.Th w={100}>Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.players.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={cols}>
                  <Text c="dimmed" ta="center" py="md" data-testid="roster-empty">
                    Nobody is on the server.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {data.players.map((p) => (
              <Table.Tr key={p.session_id} data-testid={`roster-row-${p.name}`}>
                <Table.Td>
                  <PlayerName p={p} />
                </Table.Td>
                <Table.Td>
                  <Identity value={p.identity} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={p.ping == null ? 'dimmed' : undefined}>
                    {p.ping == null ? '—' : `${p.ping} ms`}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Tooltip label={`Joined ${formatDateTime(p.joined_at)}`} withArrow>
                    <Text size="sm">{formatDuration(secondsBetween(p.joined_at, now))}</Text>
                  </Tooltip>
                </Table.Td>
                {isAdmin && (
                  <Table.Td>
                    <Text size="sm" ff="monospace" c={p.ip ? undefined : 'dimmed'}>
                      {p.ip ?? '—'}
                    </Text>
                  </Table.Td>
                )}
                {canModerate && (
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Tooltip label="Kick" withArrow>
                        <ActionIcon
                          variant="light"
                          color="orange"
                          aria-label={`Kick ${p.name}`}
                          disabled={!linkUp}
                          onClick={() => setKicking(p)}
                          data-testid={`kick-${p.name}`}
                        >
                          <IconDoorExit size={16} />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Ban" withArrow>
                        <ActionIcon
                          variant="light"
                          color="red"
                          aria-label={`Ban ${p.name}`}
                          onClick={() => setBanning(p)}
                          data-testid={`ban-${p.name}`}
                        >
                          <IconBan size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {canModerate && (
        <>
          <KickDialog serverId={serverId} player={kicking} onClose={() => setKicking(null)} />
          <BanDialog serverId={serverId} player={banning} onClose={() => setBanning(null)} />
        </>
      )}
    </Card>
  );
}

const MAX_SAY_CHARS = 400;

function SayBox({ serverId, disabled }: { serverId: number; disabled: boolean }) {
  const say = useSay();
  const [message, setMessage] = useState('');
  const trimmed = message.trim();
  const send = () => {
    if (!trimmed) return;
    say.mutate(
      { id: serverId, message: trimmed },
      {
        onSuccess: () => {
          notifySuccess('Message sent to everyone on the server');
          setMessage('');
        },
        onError: (err) => notifyError(err, 'Could not send the message'),
      },
    );
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <TextInput
          flex={1}
          placeholder={disabled ? 'Chat needs a working RCON link' : 'Message to everyone on the server'}
          aria-label="Message to everyone on the server"
          value={message}
          maxLength={MAX_SAY_CHARS}
          disabled={disabled}
          onChange={(e) => setMessage(e.currentTarget.value)}
          data-testid="say-input"
        />
        <Button type="submit" leftSection={<IconMessage size={16} />} disabled={disabled || !trimmed} loading={say.isPending} data-testid="say-submit">
          Say
        </Button>
      </Group>
    </form>
  );
}

/** The Players tab: who is on now, RCON link state, chat, moderation, recent visits. */
export function ServerPlayersTab({ server, canModerate, isAdmin }: Props) {
  const roster = useServerPlayers(server.id);
  const data = roster.data;
  const linkUp = data?.rcon?.state === 'connected';

  return (
    <Stack gap="lg" data-testid="server-players">
      {roster.isError && !data ? (
        <QueryError error={roster.error} onRetry={() => roster.refetch()} />
      ) : !data ? (
        <Skeleton h={120} />
      ) : !data.monitored ? (
        <NotMonitored server={server} />
      ) : (
        <Stack gap="sm">
          <Group justify="space-between" gap="sm">
            {data.rcon && <RconStatusLine rcon={data.rcon} />}
            <Group gap="xs">
              {data.live && <LiveBadge live={data.live} testId="roster-live" />}
              {data.polled_at && (
                <Text size="xs" c="dimmed">
                  polled {formatDateTime(data.polled_at)}
                </Text>
              )}
            </Group>
          </Group>
          <Roster data={data} serverId={server.id} canModerate={canModerate} isAdmin={isAdmin} />
          {canModerate && <SayBox serverId={server.id} disabled={!linkUp} />}
        </Stack>
      )}
      <Stack gap="xs">
        <Title order={4}>Recent visits</Title>
        <ServerSessions serverId={server.id} isAdmin={isAdmin} />
      </Stack>
    </Stack>
  );
}
