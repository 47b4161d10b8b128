import { Card, Group, SegmentedControl, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { PageHeader } from '../../components/ui/page-header';
import { PagedTable } from '../../components/ui/paged-table';
import { hasRole, useCurrentUser } from '../../lib/auth';
import { usePaging } from '../../lib/use-paging';
import { useBans, type BanFilter } from './api';
import { BanTable } from './ban-table';

const FILTERS: { value: BanFilter; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Lifted or expired' },
  { value: 'all', label: 'All' },
];

const EMPTY_TEXT: Record<BanFilter, string> = {
  active: 'No active bans.',
  inactive: 'No lifted or expired bans.',
  all: 'No bans yet.',
};

export function BansPage() {
  const [filter, setFilter] = useState<BanFilter>('active');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const paging = usePaging(50);
  const bans = useBans(filter, debounced, paging.page, paging.perPage);
  const me = useCurrentUser();
  const canLift = hasRole(me.data?.role, 'operator');

  return (
    <div data-testid="bans-page">
      <PageHeader
        title="Bans"
        description="Bans kept by Languard and written into each game's own ban list, newest first."
      />
      <Card withBorder padding="md" mb="md">
        <Group gap="sm" wrap="wrap">
          <SegmentedControl
            data={FILTERS}
            value={filter}
            onChange={(v) => {
              setFilter(v as BanFilter);
              paging.toFirst();
            }}
            data-testid="bans-filter"
          />
          <TextInput
            flex={1}
            miw={220}
            leftSection={<IconSearch size={16} />}
            placeholder="Player name, identity or reason"
            aria-label="Search bans"
            value={search}
            onChange={(e) => {
              setSearch(e.currentTarget.value);
              paging.toFirst();
            }}
            data-testid="bans-search"
          />
        </Group>
      </Card>
      <PagedTable paging={paging} total={bans.data?.total} query={bans} keepRowsOnError>
        <BanTable
          bans={bans.data?.items}
          showPlayer
          canLift={canLift}
          emptyText={debounced.trim() ? 'No bans match this search.' : EMPTY_TEXT[filter]}
        />
      </PagedTable>
    </div>
  );
}
