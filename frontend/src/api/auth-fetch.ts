import type { Session } from './session';

export const REFRESH_PATH = '/api/v1/auth/refresh';
/** Endpoints where a 401 means "bad credentials", never "access token expired". */
const NO_REFRESH_PATHS = ['/api/v1/auth/login', REFRESH_PATH, '/api/v1/auth/logout'];

export interface AuthFetchOptions {
  session: Session;
  /** The underlying fetch (injectable for tests). */
  fetch?: (req: Request) => Promise<Response>;
  /** Called when the session is gone for good (refresh failed). */
  onSessionExpired?: () => void;
}

/**
 * A fetch that adds the bearer token, and on a 401 refreshes the session once
 * (refresh tokens rotate, so concurrent 401s share a single refresh) and retries.
 */
export function createAuthFetch({ session, fetch: baseFetch, onSessionExpired }: AuthFetchOptions) {
  const doFetch = baseFetch ?? ((req: Request) => globalThis.fetch(req));
  let inFlight: Promise<boolean> | null = null;

  async function refresh(origin: string): Promise<boolean> {
    const tokens = session.get();
    if (!tokens) return false;
    try {
      const res = await doFetch(
        new Request(new URL(REFRESH_PATH, origin), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refresh_token: tokens.refreshToken }),
        }),
      );
      if (!res.ok) {
        // Another tab may have rotated the tokens meanwhile; keep its result.
        const now = session.get();
        if (now && now.refreshToken !== tokens.refreshToken) return true;
        return false;
      }
      const body = (await res.json()) as { access_token: string; refresh_token: string };
      session.set({ accessToken: body.access_token, refreshToken: body.refresh_token });
      return true;
    } catch {
      return false;
    }
  }

  function refreshOnce(origin: string): Promise<boolean> {
    if (!inFlight) {
      inFlight = refresh(origin).finally(() => {
        inFlight = null;
      });
    }
    return inFlight;
  }

  function withToken(req: Request, token: string | undefined): Request {
    const r = req.clone();
    if (token) r.headers.set('Authorization', `Bearer ${token}`);
    return r;
  }

  /**
   * After a 401 for a request sent with the access token `used`: true when a newer token is
   * stored (refreshed now, or by someone else meanwhile), false when the session is gone.
   */
  async function renew(used: string, url: string): Promise<boolean> {
    // If the stored token changed since the request was sent, someone already refreshed.
    const current = session.get()?.accessToken;
    const ok = current && current !== used ? true : await refreshOnce(url);
    if (!ok) {
      session.clear();
      onSessionExpired?.();
    }
    return ok;
  }

  async function authFetch(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    const used = session.get()?.accessToken;
    const res = await doFetch(withToken(req, used));
    if (res.status !== 401 || !used || NO_REFRESH_PATHS.includes(path)) return res;
    if (!(await renew(used, req.url))) return res;
    return doFetch(withToken(req, session.get()?.accessToken));
  }

  // Requests that cannot go through fetch (uploads with progress) renew the session the same way.
  return Object.assign(authFetch, { renew });
}
