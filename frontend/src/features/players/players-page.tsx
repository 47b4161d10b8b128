import { Anchor, Avatar, Badge, Group, Skeleton, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/ui/page-header';
import { PagedTable } from '../../components/ui/paged-table';
import { TableCard } from '../../components/ui/table-card';
import { usePaging } from '../../lib/use-paging';
import { formatDateTime } from '../../utils/format';
import { usePlayers, type Player } from './api';
import { KIND_LABELS } from './kinds';

const COLS = 4;

function PlayerRow({ p }: { p: Player }) {
  const online = p.online_on.length > 0;
  return (
    <Table.Tr data-testid={`player-row-${p.name}`}>
      <Table.Td>
        <Group gap="sm" wrap="nowrap">
          <Avatar src={p.avatar_url ?? null} size={28} radius="xl" alt="" color="teal">
            {p.name.slice(0, 2).toUpperCase()}
          </Avatar>
          <Stack gap={0}>
            <Anchor component={Link} to={`/players/${p.id}`} size="sm" fw={500} data-testid={`player-link-${p.name}`}>
              {p.name}
            </Anchor>
            {p.steam_name && p.steam_name !== p.name && (
              <Text size="xs" c="dimmed">
                Steam: {p.steam_name}
              </Text>
            )}
          </Stack>
        </Group>
      </Table.Td>
      <Table.Td>
        <Tooltip label={p.identity} withArrow>
          <Badge variant="outline" color="gray" size="sm" radius="sm" style={{ textTransform: 'none' }}>
            {KIND_LABELS[p.kind]}
          </Badge>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {formatDateTime(p.last_seen)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {online && (
            <Tooltip label={`On ${p.online_on.length} server${p.online_on.length === 1 ? '' : 's'} now`} withArrow>
              <Badge color="teal" variant="light" size="sm" data-testid={`player-online-${p.name}`}>
                online
              </Badge>
            </Tooltip>
          )}
          {p.banned && (
            <Badge color="red" variant="filled" size="sm" data-testid={`player-banned-${p.name}`}>
              banned
            </Badge>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

export function PlayersPage() {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const paging = usePaging(50);
  const players = usePlayers(debounced, paging.page, paging.perPage);

  return (
    <div data-testid="players-page">
      <PageHeader title="Players" description="Everyone seen on a managed server, most recently seen first." />
      <TextInput
        mb="md"
        leftSection={<IconSearch size={16} />}
        placeholder="Name (any used, or Steam name) or identity"
        aria-label="Search players"
        value={search}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
          paging.toFirst();
        }}
        data-testid="players-search"
      />
      <PagedTable paging={paging} total={players.data?.total} query={players} keepRowsOnError>
        <TableCard minWidth={640} verticalSpacing="xs" highlightOnHover data-testid="players-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Identity</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {players.isPending &&
              [0, 1, 2].map((i) => (
                <Table.Tr key={i}>
                  <Table.Td colSpan={COLS}>
                    <Skeleton h={20} />
                  </Table.Td>
                </Table.Tr>
              ))}
            {players.data?.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={COLS}>
                  <Text c="dimmed" ta="center" py="md">
                    {debounced.trim() ? 'No player matches this search.' : 'No players seen yet.'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {players.data?.items.map((p) => <PlayerRow key={p.id} p={p} />)}
          </Table.Tbody>
        </TableCard>
      </PagedTable>
    </div>
  );
}
