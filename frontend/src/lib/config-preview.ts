import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { queryKeys } from './query-keys';

/**
 * A server's rendered config files. The configuration tab and the rotation editor both show it,
 * under one key, so saving either one refreshes what the other shows.
 */
export function useConfigPreview(id: number, enabled: boolean) {
  return useQuery({
    queryKey: [...queryKeys.server(id), 'preview'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/servers/{id}/config/preview', { params: { path: { id } }, signal })),
    enabled,
    staleTime: 0,
  });
}
