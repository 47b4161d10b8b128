import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { applyFrame, resyncAll } from './cache';
import { LiveClient, type LiveMessage, type LiveSnapshot } from './client';
import type { Channel, ServerScope } from './subscriptions';

const LiveContext = createContext<LiveClient | null>(null);

/** The stream's address on this origin: wss:// behind HTTPS, ws:// otherwise. */
export function streamUrl(location: Pick<Location, 'protocol' | 'host'>, ticket: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/v1/ws?ticket=${encodeURIComponent(ticket)}`;
}

/** Holds the one live connection of a signed-in session (mount inside the signed-in area). */
export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [client] = useState(
    () =>
      new LiveClient({
        getTicket: async () => (await unwrap(api.POST('/api/v1/ws/ticket'))).ticket,
        connect: (ticket) => new WebSocket(streamUrl(window.location, ticket)),
        onFrame: (frame) => applyFrame(queryClient, frame),
        onResync: () => void resyncAll(queryClient),
        onRevoked: (notice) => {
          notifications.show({
            color: notice.ended ? 'red' : 'yellow',
            title: notice.ended ? 'Your session ended' : 'Your rights changed: reconnecting',
            message: notice.message,
          });
          // Refetched with the new rights; a session that is gone leads to the sign-in page.
          void queryClient.invalidateQueries();
        },
      }),
  );

  useEffect(() => {
    client.start();
    const wake = () => client.retryNow();
    const onVisible = () => document.visibilityState === 'visible' && wake();
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('online', wake);
      document.removeEventListener('visibilitychange', onVisible);
      client.stop();
    };
  }, [client]);

  return <LiveContext.Provider value={client}>{children}</LiveContext.Provider>;
}

/** The session's live client; `null` outside `LiveProvider` (then nothing is live). */
export function useLiveClient(): LiveClient | null {
  return useContext(LiveContext);
}

const STOPPED: LiveSnapshot = { state: 'stopped', everOpened: false, failures: 0, retryAt: null };
const noop = () => () => {};

export function useLiveStatus(): LiveSnapshot {
  const client = useLiveClient();
  return useSyncExternalStore(client?.subscribeStatus ?? noop, client ? client.getSnapshot : () => STOPPED);
}

/**
 * Follows `servers` × `channels` while mounted. The frames patch the query cache on their own;
 * `onMessage` is for components that also want the frames (or gap notices) themselves.
 * Pass `null` as servers to follow nothing (e.g. while an id is not known yet).
 */
export function useLiveSubscription(
  servers: ServerScope | null,
  channels: readonly Channel[],
  onMessage?: (m: LiveMessage) => void,
) {
  const client = useLiveClient();
  const handler = useRef(onMessage);
  useEffect(() => {
    handler.current = onMessage;
  });
  const key = servers === null ? null : JSON.stringify([servers, channels]);
  const wantsMessages = onMessage !== undefined;
  useEffect(() => {
    if (!client || key === null) return;
    const [s, c] = JSON.parse(key) as [ServerScope, Channel[]];
    return client.listen({ servers: s, channels: c }, wantsMessages ? (m) => handler.current?.(m) : undefined);
  }, [client, key, wantsMessages]);
}
