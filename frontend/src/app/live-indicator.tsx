import { Badge, Loader, Tooltip, UnstyledButton } from '@mantine/core';
import { showReconnecting } from '../lib/live/client';
import { useLiveClient, useLiveStatus } from '../lib/live/react';
import { useNow } from '../lib/now';

/** Shown in the header while the live connection is down (not while it is first made). */
export function LiveIndicator() {
  const client = useLiveClient();
  const status = useLiveStatus();
  const down = showReconnecting(status);
  const now = useNow(down ? 1000 : 60_000);
  if (!down) return null;
  const wait = status.retryAt ? Math.max(0, Math.ceil((status.retryAt - now) / 1000)) : 0;
  const label =
    wait > 0
      ? `Live updates are paused: the connection to the panel was lost. Next try in ${wait} s; click to try now.`
      : 'Live updates are paused: connecting to the panel again…';
  return (
    <Tooltip label={label} multiline maw={280} withArrow>
      <UnstyledButton onClick={() => client?.retryNow()} aria-label={label} data-testid="live-reconnecting">
        <Badge color="orange" variant="light" size="lg" leftSection={<Loader size={12} color="orange" />} style={{ textTransform: 'none' }}>
          Reconnecting…
        </Badge>
      </UnstyledButton>
    </Tooltip>
  );
}
