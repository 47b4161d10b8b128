import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { IconPlugConnected, IconPlugConnectedX, IconLoader2 } from '@tabler/icons-react';
import { formatDateTime } from '../../utils/format';
import type { LiveSummary, RconStatus } from './players-api';

/** `players/max · map`, as the game reported at the last poll. */
export function liveLabel(live: LiveSummary): string {
  const count = live.max_players != null ? `${live.players}/${live.max_players}` : String(live.players);
  return live.map ? `${count} · ${live.map}` : count;
}

export function LiveBadge({ live, testId }: { live: LiveSummary; testId?: string }) {
  const details = [
    `${live.players} player${live.players === 1 ? '' : 's'}`,
    live.bots > 0 ? `${live.bots} bot${live.bots === 1 ? '' : 's'}` : null,
    live.hibernating ? 'hibernating' : null,
  ].filter(Boolean);
  return (
    <Tooltip label={details.join(' · ')} withArrow>
      <Badge variant="light" color={live.hibernating ? 'gray' : 'indigo'} radius="sm" data-testid={testId} style={{ textTransform: 'none' }}>
        {liveLabel(live)}
      </Badge>
    </Tooltip>
  );
}

/** A small red marker for the server list when the RCON link is failing. */
export function RconErrorMarker({ rcon, testId }: { rcon: RconStatus; testId?: string }) {
  if (rcon.state !== 'error') return null;
  return (
    <Tooltip label={`RCON: ${rcon.error ?? 'link failed'}`} withArrow multiline maw={320}>
      <Badge color="red" variant="light" radius="sm" leftSection={<IconPlugConnectedX size={12} />} data-testid={testId} style={{ textTransform: 'none' }}>
        RCON
      </Badge>
    </Tooltip>
  );
}

const RCON_LOOK = {
  connected: { color: 'teal', icon: IconPlugConnected },
  connecting: { color: 'yellow', icon: IconLoader2 },
  error: { color: 'red', icon: IconPlugConnectedX },
} as const;

/** One line saying how the panel's RCON link to the game is doing. */
export function RconStatusLine({ rcon }: { rcon: RconStatus }) {
  const look = RCON_LOOK[rcon.state];
  const text =
    rcon.state === 'connected' ? 'connected' : rcon.state === 'connecting' ? 'connecting…' : (rcon.error ?? 'the link failed');
  return (
    <Group gap={6} wrap="nowrap" data-testid="rcon-status" data-state={rcon.state}>
      <look.icon size={16} color={`var(--mantine-color-${look.color}-6)`} />
      <Text size="sm" c={rcon.state === 'error' ? 'red' : undefined} fw={rcon.state === 'error' ? 500 : undefined}>
        RCON: {text}
      </Text>
      <Text size="xs" c="dimmed">
        since {formatDateTime(rcon.since)}
      </Text>
    </Group>
  );
}
