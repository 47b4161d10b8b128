import { lazy, type ComponentType } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { LiveProvider } from '../lib/live/react';
import { RequireAuth, RequireRole } from './guards';
import { NotFound } from './not-found';
import { PageSuspense } from './page-suspense';
import { Shell } from './shell';

/** A page loaded on first visit, so the first screen does not wait for every page's code. */
function lazyPage<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}

const AccountPage = lazyPage(() => import('../features/account/account-page'), 'AccountPage');
const AuditPage = lazyPage(() => import('../features/audit/audit-page'), 'AuditPage');
const LoginPage = lazyPage(() => import('../features/auth/login-page'), 'LoginPage');
const DashboardPage = lazyPage(() => import('../features/dashboard/dashboard-page'), 'DashboardPage');
const ModsPage = lazyPage(() => import('../features/mods/mods-page'), 'ModsPage');
const BansPage = lazyPage(() => import('../features/players/bans-page'), 'BansPage');
const PlayerPage = lazyPage(() => import('../features/players/player-page'), 'PlayerPage');
const PlayersPage = lazyPage(() => import('../features/players/players-page'), 'PlayersPage');
const ServerPage = lazyPage(() => import('./routes/server-page'), 'ServerPage');
const ServersPage = lazyPage(() => import('../features/servers/servers-page'), 'ServersPage');
const TokensPage = lazyPage(() => import('../features/tokens/tokens-page'), 'TokensPage');
const UsersPage = lazyPage(() => import('../features/users/users-page'), 'UsersPage');

export function AppRouter() {
  return (
    <BrowserRouter>
      <Routes>
        <Route
          path="/login"
          element={
            <PageSuspense at="/login">
              <LoginPage />
            </PageSuspense>
          }
        />
        <Route
          element={
            <RequireAuth>
              <LiveProvider>
                <Shell />
              </LiveProvider>
            </RequireAuth>
          }
        >
          <Route index element={<DashboardPage />} />
          <Route path="servers" element={<ServersPage />} />
          <Route path="servers/:id" element={<ServerPage />} />
          <Route path="players" element={<PlayersPage />} />
          <Route path="players/:id" element={<PlayerPage />} />
          <Route path="bans" element={<BansPage />} />
          <Route path="mods" element={<ModsPage />} />
          <Route
            path="users"
            element={
              <RequireRole role="admin">
                <UsersPage />
              </RequireRole>
            }
          />
          <Route path="tokens" element={<TokensPage />} />
          <Route path="account" element={<AccountPage />} />
          <Route
            path="audit"
            element={
              <RequireRole role="admin">
                <AuditPage />
              </RequireRole>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
