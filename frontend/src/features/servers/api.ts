import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { useLiveSubscription } from '../../lib/live/react';
import { queryKeys } from '../../lib/query-keys';

export type Server = Schemas['Server'];
export type ServerState = Schemas['ServerState'];
export type Game = Schemas['Game'];
export type ServerEvent = Schemas['ServerEvent'];
export type PowerAction = 'start' | 'stop' | 'restart' | 'kill';
export type JsonObject = Record<string, unknown>;

const serversKey = queryKeys.servers;
const serverKey = queryKeys.server;

/** Seconds the server's process has been up at `now` (null when it is not running). */
export function uptimeAt(server: Pick<Server, 'started_at'>, now: number): number | null {
  if (!server.started_at) return null;
  const t = Date.parse(server.started_at);
  return Number.isNaN(t) ? null : Math.max(0, Math.floor((now - t) / 1000));
}

export function useGames() {
  return useQuery({
    queryKey: ['games'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/games', { signal })),
    staleTime: 5 * 60_000,
  });
}

/** A page of servers; states and live figures arrive over the live stream. */
export function useServers(page: number, perPage: number) {
  useLiveSubscription('*', ['status', 'players', 'event']);
  return useQuery({
    queryKey: queryKeys.serverList(page, perPage),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/servers', { params: { query: { page, per_page: perPage } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useServer(id: number) {
  useLiveSubscription(id > 0 ? [id] : null, ['status', 'players']);
  return useQuery({
    queryKey: serverKey(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/servers/{id}', { params: { path: { id } }, signal })),
    enabled: id > 0,
    retry: (count, err) => count < 2 && !(err instanceof Error && 'status' in err && err.status === 404),
  });
}

/** The event timeline; new events are put on the first page as they happen. */
export function useServerEvents(id: number, page: number, perPage: number) {
  useLiveSubscription([id], ['event']);
  return useQuery({
    queryKey: queryKeys.eventsPage(id, page, perPage),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/servers/{id}/events', {
          params: { path: { id }, query: { page, per_page: perPage } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useServerConfig(id: number) {
  return useQuery({
    queryKey: [...serverKey(id), 'config'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/servers/{id}/config', { params: { path: { id } }, signal })) as Promise<JsonObject>,
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
