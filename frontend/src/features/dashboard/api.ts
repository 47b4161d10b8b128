import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { useLiveSubscription } from '../../lib/live/react';
import { queryKeys } from '../../lib/query-keys';

/** Host figures are not on the live stream yet: they are fetched this often. */
export const HOST_REFRESH_MS = 5000;
/** The most servers one page of the API returns: the dashboard counts them all. */
const OVERVIEW_PAGE = 200;

/** Version, database and start time: they only change when Languard restarts. */
export function useSystemStatus() {
  return useQuery({
    queryKey: ['system', 'status'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/system/status', { signal })),
    staleTime: 5 * 60_000,
  });
}

export function useHostInfo() {
  return useQuery({
    queryKey: ['system', 'info'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/system/info', { signal })),
    refetchInterval: HOST_REFRESH_MS,
  });
}

/** Every server with its state and player count, kept current by the live stream. */
export function useServersOverview() {
  useLiveSubscription('*', ['status', 'players', 'event']);
  return useQuery({
    queryKey: queryKeys.serverList(1, OVERVIEW_PAGE),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/servers', { params: { query: { page: 1, per_page: OVERVIEW_PAGE } }, signal })),
  });
}
