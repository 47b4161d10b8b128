import { useSyncExternalStore } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, session, unwrap, type Role, type Schemas } from '../api/client';

export const meQueryKey = ['auth', 'me'] as const;

/** The stored tokens (null when signed out); re-renders when they change. */
export function useSession() {
  return useSyncExternalStore(session.subscribe, session.get, session.get);
}

/** The signed-in user, from `GET /auth/me`. */
export function useCurrentUser() {
  const tokens = useSession();
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/auth/me', { signal })),
    enabled: tokens !== null,
    staleTime: 60_000,
  });
}

/** True after an explicit "Log out" (as opposed to an expired session) until the next sign-in. */
let loggedOutOnPurpose = false;
export const wasLoggedOutOnPurpose = () => loggedOutOnPurpose;

export function storeTokenResponse(res: Schemas['TokenResponse']) {
  loggedOutOnPurpose = false;
  session.set({ accessToken: res.access_token, refreshToken: res.refresh_token });
}

/** Signs out: revokes the refresh token server-side (best effort) and forgets everything. */
export function useLogout() {
  const queryClient = useQueryClient();
  return async () => {
    const tokens = session.get();
    if (tokens) {
      try {
        await api.POST('/api/v1/auth/logout', { body: { refresh_token: tokens.refreshToken } });
      } catch {
        // Offline or already expired: forgetting the tokens locally is enough.
      }
    }
    loggedOutOnPurpose = true;
    session.clear();
    queryClient.clear();
  };
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export const ROLES: Role[] = ['admin', 'operator', 'viewer'];

/** True when `role` is at least as powerful as `required`. */
export function hasRole(role: Role | undefined, required: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[required];
}

export const ROLE_COLORS: Record<Role, string> = { admin: 'red', operator: 'blue', viewer: 'gray' };
