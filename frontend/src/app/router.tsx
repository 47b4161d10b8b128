import { BrowserRouter, Route, Routes } from 'react-router';
import { AccountPage } from '../features/account/account-page';
import { AuditPage } from '../features/audit/audit-page';
import { LoginPage } from '../features/auth/login-page';
import { DashboardPage } from '../features/dashboard/dashboard-page';
import { ModsPage } from '../features/mods/mods-page';
import { BansPage } from '../features/players/bans-page';
import { PlayerPage } from '../features/players/player-page';
import { PlayersPage } from '../features/players/players-page';
import { ServerPage } from './routes/server-page';
import { ServersPage } from '../features/servers/servers-page';
import { TokensPage } from '../features/tokens/tokens-page';
import { UsersPage } from '../features/users/users-page';
import { LiveProvider } from '../lib/live/react';
import { RequireAuth, RequireRole } from './guards';
import { NotFound } from './not-found';
import { Shell } from './shell';

export function AppRouter() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
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
