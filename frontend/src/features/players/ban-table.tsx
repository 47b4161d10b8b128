import { Anchor, Badge, Button, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconLockOpen } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { ConfirmModal } from '../../components/ui/confirm-modal';
import { TableCard } from '../../components/ui/table-card';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useNow } from '../../lib/now';
import { formatDateTime } from '../../utils/format';
import { useLiftBan, type Ban } from './api';
import { BAN_STATE_COLORS, banExpiry, banScope, banState } from './ban-state';

interface Props {
  bans: Ban[] | undefined;
  /** Show the player column (off on a player's own page). */
  showPlayer: boolean;
  canLift: boolean;
  emptyText: string;
}

function StateBadge({ ban }: { ban: Ban }) {
  const state = banState(ban);
  const badge = (
    <Badge
      color={BAN_STATE_COLORS[state]}
      variant={state === 'active' ? 'filled' : 'light'}
      size="sm"
      data-testid={`ban-state-${ban.id}`}
    >
      {state}
    </Badge>
  );
  if (state !== 'lifted') return badge;
  return (
    <Tooltip label={`Lifted by ${ban.lifted_by ?? 'unknown'} on ${formatDateTime(ban.lifted_at)}`} withArrow>
      {badge}
    </Tooltip>
  );
}

function Scope({ ban }: { ban: Ban }) {
  if (ban.global) {
    return (
      <Badge color="grape" variant="light" size="sm">
        global
      </Badge>
    );
  }
  if (ban.server_id != null && ban.server_name) {
    return (
      <Anchor component={Link} to={`/servers/${ban.server_id}?tab=players`} size="sm">
        {ban.server_name}
      </Anchor>
    );
  }
  return <Text size="sm">{banScope(ban)}</Text>;
}

/** Bans with their state, and (for operators) an unban button behind a confirmation. */
export function BanTable({ bans, showPlayer, canLift, emptyText }: Props) {
  const now = useNow(10_000);
  const lift = useLiftBan();
  const [lifting, setLifting] = useState<Ban | null>(null);
  const cols = 6 + (showPlayer ? 1 : 0) + (canLift ? 1 : 0);

  const confirmLift = () => {
    if (!lifting) return;
    const ban = lifting;
    lift.mutate(ban.id, {
      onSuccess: () => notifySuccess(`${ban.player_name} is no longer banned (${banScope(ban)})`),
      onError: (err) =>
        err instanceof ApiError && err.status === 409
          ? notifySuccess('It was already lifted or had run out.', 'Nothing to lift')
          : notifyError(err, 'Could not lift the ban'),
      onSettled: () => setLifting(null),
    });
  };

  return (
    <>
      <TableCard minWidth={showPlayer ? 980 : 860} verticalSpacing="xs" highlightOnHover data-testid="bans-table">
        <Table.Thead>
          <Table.Tr>
            {showPlayer && <Table.Th>Player</Table.Th>}
            <Table.Th>Applies to</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>State</Table.Th>
            {canLift && <Table.Th w={110} />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {!bans &&
            [0, 1, 2].map((i) => (
              <Table.Tr key={i}>
                <Table.Td colSpan={cols}>
                  <Skeleton h={20} />
                </Table.Td>
              </Table.Tr>
            ))}
          {bans?.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={cols}>
                <Text c="dimmed" ta="center" py="md" data-testid="bans-empty">
                  {emptyText}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {bans?.map((b) => (
            <Table.Tr key={b.id} data-testid={`ban-row-${b.id}`} data-player={b.player_name}>
              {showPlayer && (
                <Table.Td>
                  <Stack gap={0}>
                    <Anchor component={Link} to={`/players/${b.player_id}`} size="sm" fw={500}>
                      {b.player_name}
                    </Anchor>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {b.identity}
                    </Text>
                  </Stack>
                </Table.Td>
              )}
              <Table.Td>
                <Scope ban={b} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" c={b.reason ? undefined : 'dimmed'} style={{ overflowWrap: 'anywhere' }}>
                  {b.reason || '—'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{b.created_by ?? '—'}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(b.created_at)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {banExpiry(b, now)}
                </Text>
              </Table.Td>
              <Table.Td>
                <StateBadge ban={b} />
              </Table.Td>
              {canLift && (
                <Table.Td>
                  {b.active && (
                    <Button
                      size="xs"
                      variant="light"
                      leftSection={<IconLockOpen size={14} />}
                      onClick={() => setLifting(b)}
                      data-testid={`unban-${b.id}`}
                    >
                      Unban
                    </Button>
                  )}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </TableCard>
      <ConfirmModal
        opened={lifting !== null}
        title="Lift ban"
        confirmLabel="Unban"
        loading={lift.isPending}
        onConfirm={confirmLift}
        onClose={() => setLifting(null)}
      >
        {lifting && (
          <>
            Lift the {lifting.global ? 'global ' : ''}ban on <b>{lifting.player_name}</b> ({banScope(lifting)})? It is
            taken out of each game&apos;s ban list now where the server runs, otherwise when its RCON next connects.
          </>
        )}
      </ConfirmModal>
    </>
  );
}
