import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';

const usersKey = ['users'] as const;

export function useUsers(page: number, perPage: number) {
  return useQuery({
    queryKey: [...usersKey, { page, perPage }],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/users', { params: { query: { page, per_page: perPage } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['CreateUserRequest']) => unwrap(api.POST('/api/v1/users', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: usersKey }),
  });
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: Schemas['UpdateUserRequest'] }) =>
      unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: usersKey });
      // Our own role may have changed.
      qc.invalidateQueries({ queryKey: ['auth', 'me'] });
    },
  });
}

export function useDeleteUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/v1/users/{id}', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: usersKey }),
  });
}
