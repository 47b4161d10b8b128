import { Group, Pagination, Select, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Paging } from '../../lib/use-paging';
import { QueryError } from './query-error';

/** What PagedTable reads of the list's query (TanStack Query's result fits). */
export interface ListQuery {
  isError: boolean;
  error: unknown;
  data?: unknown;
  refetch: () => unknown;
}

interface Props {
  paging: Paging;
  /** Rows in the whole list; unknown until the first page has loaded. */
  total: number | undefined;
  /** Also show the footer ("No entries") when the list is empty. */
  showEmpty?: boolean;
  /** The list's query: once it has failed, its error and a retry button are shown instead of the table. */
  query?: ListQuery;
  /** Show the error only while nothing has loaded, so a failed refetch keeps the rows already shown. */
  keepRowsOnError?: boolean;
  /** The table (or list) showing the current page. */
  children: ReactNode;
}

/** A page of a list with its footer: which rows are shown, the page size and the pages. */
export function PagedTable({ paging, total, showEmpty = false, query, keepRowsOnError = false, children }: Props) {
  const failed = query !== undefined && query.isError && !(keepRowsOnError && query.data);
  return (
    <>
      {failed ? <QueryError error={query.error} onRetry={() => query.refetch()} /> : children}
      {total !== undefined && (showEmpty || total > 0) && <Pager paging={paging} total={total} />}
    </>
  );
}

function Pager({ paging, total }: { paging: Paging; total: number }) {
  const { page, perPage } = paging;
  const pages = Math.max(1, Math.ceil(total / perPage));
  const from = total === 0 ? 0 : (page - 1) * perPage + 1;
  const to = Math.min(total, page * perPage);
  return (
    <Group justify="space-between" mt="md" gap="sm">
      <Text size="sm" c="dimmed">
        {total === 0 ? 'No entries' : `${from}–${to} of ${total}`}
      </Text>
      <Group gap="sm">
        <Select
          aria-label="Rows per page"
          size="xs"
          w={90}
          data={['25', '50', '100', '200']}
          value={String(perPage)}
          onChange={(v) => v && paging.setPerPage(Number(v))}
          allowDeselect={false}
        />
        {pages > 1 && <Pagination size="sm" total={pages} value={page} onChange={paging.setPage} siblings={1} />}
      </Group>
    </Group>
  );
}
