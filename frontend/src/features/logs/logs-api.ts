import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { queryKeys } from '../../lib/query-keys';
import { nextCursor, toLogQuery, type LogFilters, type LogPage } from './logs-query';

const logsKey = (id: number) => [...queryKeys.server(id), 'logs'] as const;

function fetchLogs(id: number, query: ReturnType<typeof toLogQuery>, signal?: AbortSignal): Promise<LogPage> {
  return unwrap(api.GET('/api/v1/servers/{id}/logs', { params: { path: { id }, query }, signal }));
}

/** Stored lines matching the filters, newest first, one page of `LOGS_PAGE` at a time. */
export function useServerLogs(id: number, filters: LogFilters, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: [...logsKey(id), filters],
    queryFn: ({ pageParam, signal }) => fetchLogs(id, toLogQuery(filters, pageParam), signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: nextCursor,
    enabled,
  });
}

export function useDeleteLogs() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/v1/servers/{id}/logs', { params: { path: { id } } })),
    onSettled: (_d, _e, id) => qc.invalidateQueries({ queryKey: logsKey(id) }),
  });
}
