import { describe, expect, it, vi } from 'vitest';
import { createAuthFetch } from './auth-fetch';
import { createSession, type KeyValueStorage } from './session';

function memoryStorage(): KeyValueStorage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** A fake backend: valid access tokens are in `valid`; refresh tokens rotate. */
function fakeBackend() {
  const valid = new Set<string>(['access-2']);
  let liveRefresh = 'refresh-1';
  let refreshCalls = 0;
  const seen: string[] = [];
  const fetch = vi.fn(async (req: Request) => {
    const path = new URL(req.url).pathname;
    if (path === '/api/v1/auth/refresh') {
      refreshCalls++;
      const { refresh_token } = (await req.json()) as { refresh_token: string };
      if (refresh_token !== liveRefresh) return json(401, { error: 'unauthorized', message: 'invalid refresh token' });
      liveRefresh = `refresh-${refreshCalls + 1}`;
      valid.add(`access-new-${refreshCalls}`);
      return json(200, { access_token: `access-new-${refreshCalls}`, refresh_token: liveRefresh });
    }
    const auth = req.headers.get('Authorization') ?? '';
    seen.push(`${req.method} ${path} ${auth}`);
    if (!valid.has(auth.replace('Bearer ', ''))) return json(401, { error: 'unauthorized', message: 'expired' });
    const body = req.method === 'POST' ? await req.text() : null;
    return json(200, { ok: true, body });
  });
  return { fetch, seen, refreshCalls: () => refreshCalls, liveRefresh: () => liveRefresh };
}

describe('createAuthFetch', () => {
  it('sends the bearer token', async () => {
    const be = fakeBackend();
    const session = createSession(memoryStorage());
    session.set({ accessToken: 'access-2', refreshToken: 'refresh-1' });
    const f = createAuthFetch({ session, fetch: be.fetch });
    const r = await f(new Request('http://x/api/v1/auth/me'));
    expect(r.status).toBe(200);
    expect(be.seen).toEqual(['GET /api/v1/auth/me Bearer access-2']);
    expect(be.refreshCalls()).toBe(0);
  });

  it('refreshes once on 401, stores the rotated tokens and retries with the body intact', async () => {
    const be = fakeBackend();
    const session = createSession(memoryStorage());
    session.set({ accessToken: 'expired', refreshToken: 'refresh-1' });
    const f = createAuthFetch({ session, fetch: be.fetch });
    const r = await f(new Request('http://x/api/v1/users', { method: 'POST', body: '{"username":"a"}' }));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true, body: '{"username":"a"}' });
    expect(be.refreshCalls()).toBe(1);
    expect(session.get()).toEqual({ accessToken: 'access-new-1', refreshToken: 'refresh-2' });
  });

  it('shares a single refresh between concurrent 401s (rotation-safe)', async () => {
    const be = fakeBackend();
    const session = createSession(memoryStorage());
    session.set({ accessToken: 'expired', refreshToken: 'refresh-1' });
    const f = createAuthFetch({ session, fetch: be.fetch });
    const results = await Promise.all([
      f(new Request('http://x/api/v1/system/status')),
      f(new Request('http://x/api/v1/system/info')),
      f(new Request('http://x/api/v1/auth/me')),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(be.refreshCalls()).toBe(1);
  });

  it('clears the session and reports expiry when the refresh fails', async () => {
    const be = fakeBackend();
    const session = createSession(memoryStorage());
    session.set({ accessToken: 'expired', refreshToken: 'dead' });
    const onSessionExpired = vi.fn();
    const f = createAuthFetch({ session, fetch: be.fetch, onSessionExpired });
    const r = await f(new Request('http://x/api/v1/auth/me'));
    expect(r.status).toBe(401);
    expect(session.get()).toBeNull();
    expect(onSessionExpired).toHaveBeenCalledOnce();
  });

  it('never tries to refresh on a failed login', async () => {
    const be = fakeBackend();
    const session = createSession(memoryStorage());
    const f = createAuthFetch({ session, fetch: be.fetch });
    const r = await f(new Request('http://x/api/v1/auth/login', { method: 'POST', body: '{}' }));
    expect(r.status).toBe(401);
    expect(be.refreshCalls()).toBe(0);
  });
});
