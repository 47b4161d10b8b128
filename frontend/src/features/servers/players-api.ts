import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { useLiveSubscription } from '../../lib/live/react';
import { queryKeys } from '../../lib/query-keys';
import type { BanBody } from './ban-request';

export type ServerPlayers = Schemas['ServerPlayers'];
export type OnlinePlayer = Schemas['OnlinePlayer'];
export type RconStatus = Schemas['RconStatus'];
export type LiveSummary = Schemas['LiveSummary'];

const rosterKey = queryKeys.roster;
const sessionsKey = queryKeys.sessions;

/** Who is on the server; the live stream replaces it whenever the panel's poll sees a change. */
export function useServerPlayers(id: number) {
  useLiveSubscription([id], ['players', 'status']);
  return useQuery({
    queryKey: rosterKey(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/servers/{id}/players', { params: { path: { id } }, signal })),
  });
}

/** Recent visits: fetched again when the live roster shows someone joining or leaving. */
export function useServerSessions(id: number, page: number, perPage: number) {
  return useQuery({
    queryKey: [...sessionsKey(id), { page, perPage }],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/servers/{id}/sessions', { params: { path: { id }, query: { page, per_page: perPage } }, signal }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** After a kick or ban the roster and the visit list change: fetch them again now. */
function useInvalidateRoster() {
  const qc = useQueryClient();
  return (id: number) => {
    void qc.invalidateQueries({ queryKey: rosterKey(id) });
    void qc.invalidateQueries({ queryKey: sessionsKey(id) });
  };
}

export function useKick() {
  const invalidate = useInvalidateRoster();
  return useMutation({
    mutationFn: ({ id, player, body }: { id: number; player: number; body: Schemas['KickRequest'] }) =>
      unwrap(api.POST('/api/v1/servers/{id}/players/{player}/kick', { params: { path: { id, player } }, body })),
    onSettled: (_d, _e, v) => invalidate(v.id),
  });
}

export function useBan() {
  const invalidate = useInvalidateRoster();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, player, body }: { id: number; player: number; body: BanBody }) =>
      unwrap(api.POST('/api/v1/servers/{id}/players/{player}/ban', { params: { path: { id, player } }, body })),
    onSettled: (_d, _e, v) => {
      invalidate(v.id);
      void qc.invalidateQueries({ queryKey: ['bans'] });
      void qc.invalidateQueries({ queryKey: ['players'] });
    },
  });
}

export function useSay() {
  return useMutation({
    mutationFn: ({ id, message }: { id: number; message: string }) =>
      unwrap(api.POST('/api/v1/servers/{id}/say', { params: { path: { id } }, body: { message } })),
  });
}
