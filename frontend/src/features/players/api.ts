import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';

export type Player = Schemas['Player'];
export type Ban = Schemas['Ban'];
export type Session = Schemas['Session'];

/** Who is online changes with the panel's polls; lists refresh at about that pace. */
const REFRESH_MS = 5000;

export function usePlayers(search: string, page: number, perPage: number) {
  const query = { search: search.trim() || undefined, page, per_page: perPage };
  return useQuery({
    queryKey: ['players', 'list', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/players', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
}

export function usePlayer(id: number) {
  return useQuery({
    queryKey: ['players', 'one', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/players/{id}', { params: { path: { id } }, signal })),
    enabled: id > 0,
    refetchInterval: (q) => (q.state.error ? false : REFRESH_MS),
    retry: (count, err) => count < 2 && !(err instanceof Error && 'status' in err && err.status === 404),
  });
}

export type BanFilter = 'active' | 'inactive' | 'all';

export function useBans(filter: BanFilter, search: string, page: number, perPage: number) {
  const query = {
    active: filter === 'all' ? undefined : filter === 'active',
    search: search.trim() || undefined,
    page,
    per_page: perPage,
  };
  return useQuery({
    queryKey: ['bans', 'list', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/bans', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS * 2,
  });
}

export function useLiftBan() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/v1/bans/{id}', { params: { path: { id } } })),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['bans'] });
      void qc.invalidateQueries({ queryKey: ['players'] });
    },
  });
}
