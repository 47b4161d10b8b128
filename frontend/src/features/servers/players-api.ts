import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import type { BanBody } from './ban-request';

export type ServerPlayers = Schemas['ServerPlayers'];
export type OnlinePlayer = Schemas['OnlinePlayer'];
export type RconStatus = Schemas['RconStatus'];
export type LiveSummary = Schemas['LiveSummary'];

/** The panel polls the game every few seconds; asking more often shows nothing new. */
export const ROSTER_REFRESH_MS = 3000;

const rosterKey = (id: number) => ['servers', 'one', id, 'players'] as const;
const sessionsKey = (id: number) => ['servers', 'one', id, 'sessions'] as const;

export function useServerPlayers(id: number) {
  return useQuery({
    queryKey: rosterKey(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/servers/{id}/players', { params: { path: { id } }, signal })),
    refetchInterval: ROSTER_REFRESH_MS,
  });
}

export function useServerSessions(id: number, page: number, perPage: number) {
  return useQuery({
    queryKey: [...sessionsKey(id), { page, perPage }],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/servers/{id}/sessions', { params: { path: { id }, query: { page, per_page: perPage } }, signal }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: ROSTER_REFRESH_MS * 2,
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

export function useRconCommand() {
  return useMutation({
    mutationFn: ({ id, command }: { id: number; command: string }) =>
      unwrap(api.POST('/api/v1/servers/{id}/rcon', { params: { path: { id } }, body: { command } })),
  });
}
