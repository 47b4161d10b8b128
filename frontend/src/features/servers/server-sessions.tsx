import { Anchor, Badge, Skeleton, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { PagedTable } from '../../components/ui/paged-table';
import { TableCard } from '../../components/ui/table-card';
import { useNow } from '../../lib/now';
import { usePaging } from '../../lib/use-paging';
import { formatDateTime, formatDuration, secondsBetween } from '../../utils/format';
import { useServerSessions } from './players-api';

function pingRange(min: number | null | undefined, max: number | null | undefined): string {
  if (min == null || max == null) return '—';
  return min === max ? `${min} ms` : `${min}–${max} ms`;
}

/** Recent visits to one server, newest first. */
export function ServerSessions({ serverId, isAdmin }: { serverId: number; isAdmin: boolean }) {
  const paging = usePaging(25);
  const sessions = useServerSessions(serverId, paging.page, paging.perPage);
  const now = useNow(5000);
  const cols = isAdmin ? 6 : 5;

  return (
    <>
      <PagedTable paging={paging} total={sessions.data?.total} query={sessions} keepRowsOnError>
        <TableCard minWidth={isAdmin ? 760 : 620} verticalSpacing="xs" data-testid="sessions-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Joined</Table.Th>
              <Table.Th>Left</Table.Th>
              <Table.Th>Length</Table.Th>
              <Table.Th>Ping</Table.Th>
              {isAdmin && <Table.Th>IP</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sessions.isPending && (
              <Table.Tr>
                <Table.Td colSpan={cols}>
                  <Skeleton h={20} />
                </Table.Td>
              </Table.Tr>
            )}
            {sessions.data?.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={cols}>
                  <Text c="dimmed" ta="center" py="md">
                    No visits recorded yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {sessions.data?.items.map((s) => {
              const end = s.left_at ? Date.parse(s.left_at) : now;
              return (
                <Table.Tr key={s.id} data-testid={`session-row-${s.name}`}>
                  <Table.Td>
                    <Anchor component={Link} to={`/players/${s.player_id}`} size="sm">
                      {s.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(s.joined_at)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {s.left_at ? (
                      <Text size="sm">{formatDateTime(s.left_at)}</Text>
                    ) : (
                      <Badge color="teal" variant="light" size="sm">
                        online
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDuration(secondsBetween(s.joined_at, end))}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{pingRange(s.ping_min, s.ping_max)}</Text>
                  </Table.Td>
                  {isAdmin && (
                    <Table.Td>
                      <Text size="sm" ff="monospace" c={s.ip ? undefined : 'dimmed'}>
                        {s.ip ?? '—'}
                      </Text>
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </TableCard>
      </PagedTable>
    </>
  );
}
