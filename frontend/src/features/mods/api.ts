import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { queryKeys } from '../../lib/query-keys';

export type Mod = Schemas['Mod'];

/** The server page's mod picker reads the library under the same key. */
const modsKey = ['mods'] as const;

export function useMods() {
  return useQuery({
    queryKey: modsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/mods', { signal })),
  });
}

/** Names for the servers using a mod (the library lists their ids). */
export function useServerNames() {
  return useQuery({
    queryKey: queryKeys.serverList(1, 200),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/servers', { params: { query: { page: 1, per_page: 200 } }, signal })),
    select: (page) => new Map(page.items.map((s) => [s.id, s.name])),
  });
}

export function useCreateMod() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['NewMod']) => unwrap(api.POST('/api/v1/mods', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: modsKey }),
  });
}

export function useScanMods() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/mods/scan')),
    onSuccess: () => qc.invalidateQueries({ queryKey: modsKey }),
  });
}

export function useUpdateMod() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: Schemas['ModPatch'] }) => unwrap(api.PATCH('/api/v1/mods/{id}', { params: { path: { id } }, body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: modsKey });
      // Servers' mod sets show the mods' names.
      void qc.invalidateQueries({ queryKey: queryKeys.servers });
    },
  });
}

export function useDeleteMod() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/v1/mods/{id}', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: modsKey }),
  });
}
