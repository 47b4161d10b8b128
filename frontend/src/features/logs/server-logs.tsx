import { ActionIcon, Alert, Badge, Button, Card, Center, Group, Loader, SegmentedControl, Select, Skeleton, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconRefresh, IconSearch, IconTrash, IconX } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { ConfirmModal } from '../../components/ui/confirm-modal';
import { QueryError } from '../../components/ui/query-error';
import { notifyError, notifySuccess } from '../../lib/notify';
import { formatDateTime } from '../../utils/format';
import type { Server } from '../../api/client';
import { useDeleteLogs, useServerLogs } from './logs-api';
import { NO_FILTERS, filterProblem, flattenPages, type LogEntry, type LogFilters } from './logs-query';

const LEVEL_LOOK: Record<string, string> = { debug: 'gray', info: 'blue', warn: 'yellow', error: 'red' };

function Row({ e }: { e: LogEntry }) {
  return (
    <Group gap="sm" wrap="nowrap" align="flex-start" py={3} data-testid="log-row" data-level={e.level} style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
      <Tooltip label={e.game_time ? `Game time: ${e.game_time}` : 'When Languard read the line'} withArrow>
        <Text size="xs" c="dimmed" w={150} style={{ flexShrink: 0, fontVariantNumeric: 'tabular-nums' }}>
          {formatDateTime(e.logged_at)}
        </Text>
      </Tooltip>
      <Badge size="xs" variant="light" color={LEVEL_LOOK[e.level] ?? 'gray'} w={52} style={{ flexShrink: 0 }}>
        {e.level}
      </Badge>
      <Text size="xs" c="dimmed" w={56} style={{ flexShrink: 0 }}>
        {e.source}
      </Text>
      <Text size="sm" ff="monospace" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', minWidth: 0 }}>
        {e.line}
      </Text>
    </Group>
  );
}

/** The Logs tab: the server's stored lines, searchable, newest first, older ones as you scroll. */
export function ServerLogs({ server, isAdmin }: { server: Server; isAdmin: boolean }) {
  const [filters, setFilters] = useState<LogFilters>(NO_FILTERS);
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text, 300);
  const effective = { ...filters, q };
  const problem = filterProblem(effective);
  const logs = useServerLogs(server.id, effective, problem === null);
  const remove = useDeleteLogs();
  const [confirming, setConfirming] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);
  const set = (patch: Partial<LogFilters>) => setFilters((f) => ({ ...f, ...patch }));

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = logs;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    }, { rootMargin: '400px' });
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const items = logs.data ? flattenPages(logs.data.pages) : [];
  const filtered = filters.level || filters.source || q.trim() || filters.from || filters.to;

  return (
    <Stack gap="md" data-testid="server-logs">
      <Card withBorder padding="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Text in the line"
            leftSection={<IconSearch size={14} />}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            rightSection={
              text ? (
                <ActionIcon variant="subtle" color="gray" size="sm" aria-label="Clear the search" onClick={() => setText('')}>
                  <IconX size={14} />
                </ActionIcon>
              ) : null
            }
            w={240}
            data-testid="logs-search"
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Level
            </Text>
            <SegmentedControl
              size="xs"
              value={filters.level}
              onChange={(v) => set({ level: v as LogFilters['level'] })}
              data={[
                { label: 'All', value: '' },
                { label: 'Info+', value: 'info' },
                { label: 'Warn+', value: 'warn' },
                { label: 'Errors', value: 'error' },
              ]}
              data-testid="logs-level"
            />
          </Stack>
          <Select
            label="Source"
            w={150}
            value={filters.source}
            onChange={(v) => set({ source: (v ?? '') as LogFilters['source'] })}
            data={[
              { label: 'Both', value: '' },
              { label: 'Console output', value: 'console' },
              { label: 'Game log file', value: 'game' },
            ]}
            allowDeselect={false}
            data-testid="logs-source"
          />
          <TextInput label="From" type="datetime-local" value={filters.from} onChange={(e) => set({ from: e.currentTarget.value })} data-testid="logs-from" />
          <TextInput label="To" type="datetime-local" value={filters.to} onChange={(e) => set({ to: e.currentTarget.value })} data-testid="logs-to" />
          <Group gap="xs">
            {filtered && (
              <Button
                variant="subtle"
                color="gray"
                onClick={() => {
                  setFilters(NO_FILTERS);
                  setText('');
                }}
              >
                Reset
              </Button>
            )}
            <Tooltip label="Show the newest lines" withArrow>
              <ActionIcon variant="default" size="lg" aria-label="Refresh" onClick={() => logs.refetch()} loading={logs.isRefetching && !isFetchingNextPage}>
                <IconRefresh size={16} />
              </ActionIcon>
            </Tooltip>
            {isAdmin && (
              <Tooltip label="Delete every stored line of this server (its files are not touched)" withArrow multiline maw={260}>
                <ActionIcon variant="light" color="red" size="lg" aria-label="Delete stored lines" onClick={() => setConfirming(true)} data-testid="logs-delete">
                  <IconTrash size={16} />
                </ActionIcon>
              </Tooltip>
            )}
          </Group>
        </Group>
      </Card>

      {problem ? (
        <Alert color="orange" variant="light">
          {problem}
        </Alert>
      ) : logs.isError && !logs.data ? (
        <QueryError error={logs.error} onRetry={() => logs.refetch()} />
      ) : logs.isPending ? (
        <Skeleton h={240} />
      ) : items.length === 0 ? (
        <Card withBorder padding="xl">
          <Text c="dimmed" ta="center" data-testid="logs-empty">
            {filtered ? 'No stored line matches these filters.' : 'No lines stored yet: they are kept from the moment the server writes them.'}
          </Text>
        </Card>
      ) : (
        <Card withBorder padding="md">
          <Stack gap={0} data-testid="logs-list">
            {items.map((e) => (
              <Row key={e.id} e={e} />
            ))}
          </Stack>
          <div ref={sentinel} />
          <Center pt="sm">
            {isFetchingNextPage ? (
              <Loader size="sm" />
            ) : hasNextPage ? (
              <Button variant="subtle" size="xs" onClick={() => fetchNextPage()} data-testid="logs-more">
                Load older lines
              </Button>
            ) : (
              <Text size="xs" c="dimmed" data-testid="logs-end">
                {items.length} line{items.length === 1 ? '' : 's'}, nothing older
              </Text>
            )}
          </Center>
          {logs.isFetchNextPageError && (
            <Text size="sm" c="red" ta="center">
              Could not load older lines.
            </Text>
          )}
        </Card>
      )}

      {isAdmin && (
        <ConfirmModal
          opened={confirming}
          title="Delete stored log lines?"
          confirmLabel="Delete"
          loading={remove.isPending}
          onClose={() => setConfirming(false)}
          onConfirm={() =>
            remove.mutate(server.id, {
              onSuccess: (r) => {
                notifySuccess(`Deleted ${r.deleted} line${r.deleted === 1 ? '' : 's'}`);
                setConfirming(false);
              },
              onError: (err) => notifyError(err, 'Could not delete the lines'),
            })
          }
        >
          Every line Languard stored for {server.name} is deleted. The game's own files are left as they are.
        </ConfirmModal>
      )}
    </Stack>
  );
}
