import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { Role } from '../api/client';
import { Forbidden } from '../components/ui/forbidden';
import { QueryError } from '../components/ui/query-error';
import { hasRole, useCurrentUser, useSession, wasLoggedOutOnPurpose } from '../lib/auth';

/** Sends signed-out visitors to /login, remembering where they wanted to go. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const tokens = useSession();
  const location = useLocation();
  if (!tokens) {
    // After an expired session, come back to where the user was; after "Log out", start fresh.
    const state = wasLoggedOutOnPurpose() ? undefined : { from: location.pathname + location.search };
    return <Navigate to="/login" replace state={state} />;
  }
  return children;
}

/** Renders children only for users holding at least `role`. */
export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const me = useCurrentUser();
  if (me.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (me.isError) return <QueryError error={me.error} onRetry={() => me.refetch()} />;
  if (!hasRole(me.data.role, role)) return <Forbidden role={role} />;
  return children;
}
