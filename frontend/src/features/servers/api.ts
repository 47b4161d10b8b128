import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';

export type Server = Schemas['Server'];
export type ServerState = Schemas['ServerState'];
export type Game = Schemas['Game'];
export type ServerEvent = Schemas['ServerEvent'];
export type PowerAction = 'start' | 'stop' | 'restart' | 'kill';
export type JsonObject = Record<string, unknown>;

/** Status changes are only visible by polling, so server data refreshes often. */
export const REFRESH_MS = 2000;

const serversKey = ['servers'] as const;
const serverKey = (id: number) => [...serversKey, 'one', id] as const;

export function useGames() {
  return useQuery({
    queryKey: ['games'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/games', { signal })),
    staleTime: 5 * 60_000,
  });
}

export function useServers(page: number, perPage: number) {
  return useQuery({
    queryKey: [...serversKey, 'list', { page, perPage }],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/servers', { params: { query: { page, per_page: perPage } }, signal })),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
}

export function useServer(id: number) {
  return useQuery({
    queryKey: serverKey(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/servers/{id}', { params: { path: { id } }, signal })),
    enabled: id > 0,
    refetchInterval: (q) => (q.state.error ? false : REFRESH_MS),
    retry: (count, err) => count < 2 && !(err instanceof Error && 'status' in err && err.status === 404),
  });
}

export function useServerEvents(id: number, page: number, perPage: number) {
  return useQuery({
    queryKey: [...serverKey(id), 'events', { page, perPage }],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/servers/{id}/events', {
          params: { path: { id }, query: { page, per_page: perPage } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS * 2,
  });
}

export function useServerConfig(id: number) {
  return useQuery({
    queryKey: [...serverKey(id), 'config'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/servers/{id}/config', { params: { path: { id } }, signal })) as Promise<JsonObject>,
  });
}

export function useConfigPreview(id: number, enabled: boolean) {
  return useQuery({
    queryKey: [...serverKey(id), 'preview'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/servers/{id}/config/preview', { params: { path: { id } }, signal })),
    enabled,
    staleTime: 0,
  });
}

export function useCreateServer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['CreateServerRequest']) => unwrap(api.POST('/api/v1/servers', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: serversKey }),
  });
}

export function useUpdateServer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: Schemas['UpdateServerRequest'] }) =>
      unwrap(api.PATCH('/api/v1/servers/{id}', { params: { path: { id } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: serversKey }),
  });
}

export function usePutConfig() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, config }: { id: number; config: JsonObject }) =>
      unwrap(api.PUT('/api/v1/servers/{id}/config', { params: { path: { id } }, body: config as Record<string, never> })) as Promise<JsonObject>,
    onSuccess: () => qc.invalidateQueries({ queryKey: serversKey }),
  });
}

export function useDeleteServer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, purge }: { id: number; purge: boolean }) =>
      unwrap(api.DELETE('/api/v1/servers/{id}', { params: { path: { id }, query: { purge } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: serversKey }),
  });
}

export function usePowerAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: number; action: PowerAction }) => {
      const opts = { params: { path: { id } } };
      switch (action) {
        case 'start':
          return unwrap(api.POST('/api/v1/servers/{id}/start', opts));
        case 'stop':
          return unwrap(api.POST('/api/v1/servers/{id}/stop', opts));
        case 'restart':
          return unwrap(api.POST('/api/v1/servers/{id}/restart', opts));
        case 'kill':
          return unwrap(api.POST('/api/v1/servers/{id}/kill', opts));
      }
    },
    onSettled: () => qc.invalidateQueries({ queryKey: serversKey }),
  });
}
