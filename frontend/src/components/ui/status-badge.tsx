import { Badge } from '@mantine/core';
import type { Schemas } from '../../api/client';

type ServerState = Schemas['ServerState'];

const STATUS: Record<ServerState, { color: string; variant: 'light' | 'filled' | 'dot' }> = {
  stopped: { color: 'gray', variant: 'light' },
  starting: { color: 'blue', variant: 'light' },
  running: { color: 'teal', variant: 'filled' },
  stopping: { color: 'orange', variant: 'light' },
  crashed: { color: 'red', variant: 'filled' },
  error: { color: 'red', variant: 'light' },
};

export function StatusBadge({ status, testId, size = 'md' }: { status: ServerState; testId?: string; size?: 'sm' | 'md' | 'lg' }) {
  const s = STATUS[status] ?? STATUS.stopped;
  return (
    <Badge color={s.color} variant={s.variant} size={size} data-testid={testId} miw="fit-content" styles={{ root: { textTransform: 'none', flexShrink: 0 }, label: { overflow: 'visible' } }}>
      {status}
    </Badge>
  );
}

