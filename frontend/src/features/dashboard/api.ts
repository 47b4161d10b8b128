import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { hostPoint } from '../../lib/metrics/series';
import { useMetricSeries } from '../../lib/metrics/use-series';
import { useLiveSubscription } from '../../lib/live/react';
import { queryKeys } from '../../lib/query-keys';

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

/**
 * Host figures: fetched when the dashboard opens, then replaced by every host `metrics` frame
 * (the sampler sends them to the sessions following all servers, in the shape of `/system/info`).
 */
export function useHostInfo() {
  useLiveSubscription('*', ['metrics']);
  return useQuery({
    queryKey: queryKeys.hostInfo,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/system/info', { signal })),
    // The frames keep it current while the dashboard is open, focused or not.
    refetchOnWindowFocus: false,
  });
}

/** The host's CPU and memory over the last hour, with the points of its frames appended. */
export function useHostMetrics() {
  return useMetricSeries(
    {
      queryKey: queryKeys.hostMetrics('1h'),
      fetch: (query, signal) => unwrap(api.GET('/api/v1/system/metrics', { params: { query }, signal })),
      servers: '*',
      readFrame: (frame) => (frame.type === 'metrics' && frame.server_id == null ? hostPoint(frame.data, frame.ts) : null),
    },
    '1h',
  );
}

/** Every server with its state and player count, kept current by the live stream. */
export function useServersOverview() {
  useLiveSubscription('*', ['status', 'players', 'event']);
  return useQuery({
    queryKey: queryKeys.serverList(1, OVERVIEW_PAGE),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/servers', { params: { query: { page: 1, per_page: OVERVIEW_PAGE } }, signal })),
  });
}
