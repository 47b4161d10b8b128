import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, unwrap, upload, type Schemas } from '../../api/client';
import { queryKeys } from '../../lib/query-keys';

/** The library is the Mods page's data too; both use this key. */
const modsKey = ['mods'] as const;
const contentKey = (id: number) => [...queryKeys.server(id), 'content'] as const;
const rotationKey = (id: number) => [...queryKeys.server(id), 'rotation'] as const;
const serverModsKey = (id: number) => [...queryKeys.server(id), 'mods'] as const;

/** 409 `unsupported`: the game has no content folder, rotation or mods; asking again will not help. */
export const isUnsupported = (err: unknown) => err instanceof ApiError && err.status === 409;
const retry = (count: number, err: unknown) => count < 2 && !isUnsupported(err);

export function useContent(id: number) {
  return useQuery({
    queryKey: contentKey(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/servers/{id}/missions', { params: { path: { id } }, signal })),
    enabled: id > 0,
    retry,
  });
}

/** Starting, stopping or changing a server changes whether its restart is pending. */
function refreshServer(qc: ReturnType<typeof useQueryClient>, id: number) {
  void qc.invalidateQueries({ queryKey: queryKeys.server(id), exact: true });
  void qc.invalidateQueries({ queryKey: queryKeys.serverLists });
}

export interface UploadVars {
  file: File;
  signal: AbortSignal;
  onProgress: (sent: number, total: number) => void;
}

export function useUploadContent(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ file, signal, onProgress }: UploadVars) => {
      const form = new FormData();
      form.append('file', file);
      return upload<Schemas['Uploaded']>(`/api/v1/servers/${id}/missions`, form, { signal, onProgress });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: contentKey(id) }),
  });
}

export function useDeleteContent(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: string) => unwrap(api.DELETE('/api/v1/servers/{id}/missions/{file}', { params: { path: { id, file } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: contentKey(id) }),
  });
}

export function useRotation(id: number) {
  return useQuery({
    queryKey: rotationKey(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/servers/{id}/missions/rotation', { params: { path: { id } }, signal })),
    retry,
  });
}

export function usePutRotation(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['RotationInput']) => unwrap(api.PUT('/api/v1/servers/{id}/missions/rotation', { params: { path: { id } }, body })),
    onSuccess: (saved) => {
      qc.setQueryData(rotationKey(id), saved);
      // The files' "in rotation" marks and the rendered server.cfg follow the rotation.
      void qc.invalidateQueries({ queryKey: contentKey(id) });
      void qc.invalidateQueries({ queryKey: [...queryKeys.server(id), 'preview'] });
      refreshServer(qc, id);
    },
  });
}

export function useApplyRotation(id: number) {
  return useMutation({
    mutationFn: (index: number) => unwrap(api.POST('/api/v1/servers/{id}/missions/rotation/apply', { params: { path: { id } }, body: { index } })),
  });
}

export function useServerMods(id: number) {
  return useQuery({
    queryKey: serverModsKey(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/servers/{id}/mods', { params: { path: { id } }, signal })),
    retry,
  });
}

export function usePutServerMods(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['ServerModsInput']) => unwrap(api.PUT('/api/v1/servers/{id}/mods', { params: { path: { id } }, body })),
    onSuccess: (saved) => {
      qc.setQueryData(serverModsKey(id), saved);
      // The library lists the servers using each mod.
      void qc.invalidateQueries({ queryKey: modsKey });
      refreshServer(qc, id);
    },
  });
}

export function useModLibrary() {
  return useQuery({
    queryKey: modsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/mods', { signal })),
  });
}
