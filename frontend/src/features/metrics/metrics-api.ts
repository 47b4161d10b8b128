import { api, unwrap } from '../../api/client';
import { readPoint, type RangeKey } from '../../lib/metrics/series';
import { useMetricSeries } from '../../lib/metrics/use-series';
import { queryKeys } from '../../lib/query-keys';

/** A server's CPU, memory and players over `range`; the last hour follows its `metrics` frames. */
export function useServerMetrics(id: number, range: RangeKey) {
  return useMetricSeries(
    {
      queryKey: queryKeys.serverMetrics(id, range),
      fetch: (query, signal) => unwrap(api.GET('/api/v1/servers/{id}/metrics', { params: { path: { id }, query }, signal })),
      servers: [id],
      readFrame: (frame) => (frame.type === 'metrics' && frame.server_id === id ? readPoint(frame.data) : null),
    },
    range,
  );
}
