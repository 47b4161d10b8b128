import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Select,
  SimpleGrid,
  Skeleton,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight, IconFilterOff, IconRefresh } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import type { Schemas } from '../../api/client';
import { PageHeader } from '../../components/ui/page-header';
import { PagedTable } from '../../components/ui/paged-table';
import { TableCard } from '../../components/ui/table-card';
import { usePaging } from '../../lib/use-paging';
import { formatDateTime } from '../../utils/format';
import { AUDITED_METHODS, EMPTY_FILTERS, useAudit, type AuditedMethod, type AuditFilters } from './api';

type AuditEntry = Schemas['AuditEntry'];
const COLS = 7;

function statusColor(status: number) {
  if (status >= 500) return 'red';
  if (status >= 400) return 'orange';
  if (status >= 300) return 'blue';
  return 'teal';
}

function prettySummary(summary: string | null | undefined): string {
  if (!summary) return '';
  try {
    return JSON.stringify(JSON.parse(summary), null, 2);
  } catch {
    return summary;
  }
}

function actorLabel(e: AuditEntry) {
  if (e.actor_kind === 'anonymous') return 'anonymous';
  return `${e.actor_name ?? `#${e.actor_id ?? '?'}`}${e.actor_kind === 'token' ? ' (token)' : ''}`;
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const [open, setOpen] = useState(false);
  const summary = prettySummary(entry.summary);
  return (
    <Fragment>
      <Table.Tr
        data-testid={`audit-row-${entry.id}`}
        onClick={() => setOpen((o) => !o)}
        style={{ cursor: 'pointer' }}
        aria-expanded={open}
      >
        <Table.Td w={40}>
          <ActionIcon variant="subtle" color="gray" size="sm" aria-label={open ? 'Collapse' : 'Expand'}>
            {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        </Table.Td>
        <Table.Td>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
            {formatDateTime(entry.created_at)}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm" c={entry.actor_kind === 'anonymous' ? 'dimmed' : undefined}>
            {actorLabel(entry)}
          </Text>
        </Table.Td>
        <Table.Td>
          <Badge variant="light" color="gray" radius="sm">
            {entry.method}
          </Badge>
        </Table.Td>
        <Table.Td>
          <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
            {entry.path}
          </Text>
        </Table.Td>
        <Table.Td>
          <Badge color={statusColor(entry.status)} variant="light">
            {entry.status}
          </Badge>
        </Table.Td>
        <Table.Td>
          <Text size="sm" c="dimmed">
            {entry.ip ?? '—'}
          </Text>
        </Table.Td>
      </Table.Tr>
      {open && (
      <Table.Tr>
        <Table.Td colSpan={COLS} p={0}>
            <Group gap="lg" px="md" pt="sm">
              <Text size="xs" c="dimmed">
                Request ID <Code>{entry.request_id}</Code>
              </Text>
            </Group>
            <Code block m="md" data-testid="audit-summary" style={{ maxHeight: 320, overflow: 'auto' }}>
              {summary || 'No request summary recorded.'}
            </Code>
        </Table.Td>
      </Table.Tr>
      )}
    </Fragment>
  );
}

export function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>(EMPTY_FILTERS);
  const [debounced] = useDebouncedValue(filters, 350);
  const paging = usePaging(50);
  const audit = useAudit(debounced, paging.page, paging.perPage);

  const update = (patch: Partial<AuditFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    paging.toFirst();
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description="API requests recorded by the server, newest first. Click a row to see its summary."
        action={
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} />}
            onClick={() => audit.refetch()}
            loading={audit.isFetching}
          >
            Refresh
          </Button>
        }
      />
      <Card withBorder padding="md" mb="md">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm">
          <TextInput
            label="Actor"
            placeholder="username contains…"
            value={filters.actor}
            onChange={(e) => update({ actor: e.currentTarget.value })}
            data-testid="audit-filter-actor"
          />
          <TextInput
            label="Path"
            placeholder="/api/v1/users"
            value={filters.path}
            onChange={(e) => update({ path: e.currentTarget.value })}
            data-testid="audit-filter-path"
          />
          <Select
            label="Method"
            placeholder="any"
            data={AUDITED_METHODS}
            value={filters.method || null}
            onChange={(v) => update({ method: (v as AuditedMethod | null) ?? '' })}
            clearable
            data-testid="audit-filter-method"
          />
          <TextInput
            label="Since"
            type="datetime-local"
            value={filters.since}
            onChange={(e) => update({ since: e.currentTarget.value })}
          />
          <TextInput
            label="Until"
            type="datetime-local"
            value={filters.until}
            onChange={(e) => update({ until: e.currentTarget.value })}
          />
        </SimpleGrid>
        {Object.values(filters).some(Boolean) && (
          <Group justify="flex-end" mt="sm">
            <Button variant="subtle" size="xs" leftSection={<IconFilterOff size={14} />} onClick={() => update(EMPTY_FILTERS)}>
              Clear filters
            </Button>
          </Group>
        )}
      </Card>

      <PagedTable paging={paging} total={audit.data?.total} showEmpty query={audit}>
        <TableCard minWidth={760} verticalSpacing="xs" highlightOnHover data-testid="audit-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th />
              <Table.Th>Time</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Method</Table.Th>
              <Table.Th>Path</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>IP</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {audit.isPending &&
              [0, 1, 2, 3].map((i) => (
                <Table.Tr key={i}>
                  <Table.Td colSpan={COLS}>
                    <Skeleton h={20} />
                  </Table.Td>
                </Table.Tr>
              ))}
            {audit.data?.items.map((e) => <AuditRow key={e.id} entry={e} />)}
            {audit.data && audit.data.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={COLS}>
                  <Text c="dimmed" ta="center" py="md">
                    No audit entries match these filters.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </TableCard>
      </PagedTable>
    </>
  );
}
