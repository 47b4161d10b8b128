import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

const REFRESH_MS = 5000;

export function useSystemStatus() {
  return useQuery({
    queryKey: ['system', 'status'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/system/status', { signal })),
    refetchInterval: REFRESH_MS,
  });
}

export function useHostInfo() {
  return useQuery({
    queryKey: ['system', 'info'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/system/info', { signal })),
    refetchInterval: REFRESH_MS,
  });
}
