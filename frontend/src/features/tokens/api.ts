import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';

const tokensKey = ['tokens'] as const;

export function useTokens(page: number, perPage: number) {
  return useQuery({
    queryKey: [...tokensKey, { page, perPage }],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/tokens', { params: { query: { page, per_page: perPage } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['CreateTokenRequest']) => unwrap(api.POST('/api/v1/tokens', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokensKey }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokensKey }),
  });
}
