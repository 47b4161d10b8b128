import { Badge, Card, Code, Group, Skeleton, Stack, Text, ThemeIcon, Timeline } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCircleCheck,
  IconCirclePlus,
  IconClock,
  IconLink,
  IconPencil,
  IconPlayerPlay,
  IconPlayerStop,
  IconSettings,
  IconSkull,
  IconX,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { PagedTable } from '../../components/ui/paged-table';
import { QueryError } from '../../components/ui/query-error';
import { usePaging } from '../../lib/use-paging';
import { formatDateTime } from '../../utils/format';
import { useServerEvents, type ServerEvent } from './api';
import { actorLabel } from './event-actor';

const KINDS: Record<string, { color: string; icon: ComponentType<{ size?: number }> }> = {
  created: { color: 'teal', icon: IconCirclePlus },
  updated: { color: 'gray', icon: IconPencil },
  config_changed: { color: 'gray', icon: IconSettings },
  starting: { color: 'blue', icon: IconPlayerPlay },
  running: { color: 'teal', icon: IconCircleCheck },
  stopping: { color: 'orange', icon: IconPlayerStop },
  stopped: { color: 'gray', icon: IconPlayerStop },
  crashed: { color: 'red', icon: IconAlertTriangle },
  restart_scheduled: { color: 'yellow', icon: IconClock },
  gave_up: { color: 'red', icon: IconX },
  error: { color: 'red', icon: IconX },
  killed: { color: 'red', icon: IconSkull },
  reattached: { color: 'blue', icon: IconLink },
};

function asRecord(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function EventDetail({ event }: { event: ServerEvent }) {
  const detail = asRecord(event.detail);
  if (!detail) return null;
  if (event.kind === 'crashed') {
    const lines = Array.isArray(detail.last_lines) ? detail.last_lines.map(String) : [];
    const exit = detail.exit_code;
    const signal = detail.signal;
    return (
      <Stack gap={6} mt={6}>
        <Group gap="xs">
          {exit !== null && exit !== undefined && (
            <Badge color="red" variant="light" size="sm" style={{ textTransform: 'none' }}>
              exit code {String(exit)}
            </Badge>
          )}
          {signal !== null && signal !== undefined && (
            <Badge color="red" variant="light" size="sm" style={{ textTransform: 'none' }}>
              signal {String(signal)}
            </Badge>
          )}
        </Group>
        {lines.length > 0 && (
          <Code block data-testid="crash-last-lines" style={{ maxHeight: 260, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {lines.join('\n')}
          </Code>
        )}
      </Stack>
    );
  }
  const entries = Object.entries(detail).filter(([, v]) => v !== null && v !== undefined);
  if (entries.length === 0) return null;
  return (
    <Text size="xs" c="dimmed" mt={4} style={{ overflowWrap: 'anywhere' }}>
      {entries.map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' · ')}
    </Text>
  );
}

export function ServerEvents({ serverId }: { serverId: number }) {
  const paging = usePaging(25);
  const events = useServerEvents(serverId, paging.page, paging.perPage);

  if (events.isError) return <QueryError error={events.error} onRetry={() => events.refetch()} />;
  return (
    <>
      <PagedTable paging={paging} total={events.data?.total}>
        <Card withBorder padding="lg" data-testid="server-events">
          {events.isPending ? (
            <Skeleton h={160} />
          ) : events.data.items.length === 0 ? (
            <Text c="dimmed" ta="center" py="md">
              No events yet.
            </Text>
          ) : (
            <Timeline bulletSize={26} lineWidth={2}>
              {events.data.items.map((e) => {
                const k = KINDS[e.kind] ?? { color: 'gray', icon: IconClock };
                return (
                  <Timeline.Item
                    key={e.id}
                    bullet={
                      <ThemeIcon color={k.color} variant="light" radius="xl" size={26}>
                        <k.icon size={14} />
                      </ThemeIcon>
                    }
                    data-testid={`event-${e.kind}`}
                    title={
                      <Group gap="xs" wrap="wrap">
                        <Badge color={k.color} variant="light" size="sm" style={{ textTransform: 'none' }}>
                          {e.kind.replace(/_/g, ' ')}
                        </Badge>
                        <Text size="xs" c="dimmed">
                          {formatDateTime(e.created_at)}
                        </Text>
                        {e.actor && (
                          <Text size="xs" c="dimmed" data-testid="event-actor">
                            {actorLabel(e.actor)}
                          </Text>
                        )}
                      </Group>
                    }
                  >
                    <Text size="sm" mt={4}>
                      {e.message}
                    </Text>
                    <EventDetail event={e} />
                  </Timeline.Item>
                );
              })}
            </Timeline>
          )}
        </Card>
      </PagedTable>
    </>
  );
}
