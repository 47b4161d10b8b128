/** Tokens persisted in localStorage so a reload keeps the user signed in. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const ACCESS_KEY = 'languard.access_token';
export const REFRESH_KEY = 'languard.refresh_token';

export interface Session {
  get(): SessionTokens | null;
  set(tokens: SessionTokens): void;
  clear(): void;
  subscribe(listener: () => void): () => void;
  /** Call when another tab changed the storage. */
  notify(): void;
}

export function createSession(storage: KeyValueStorage): Session {
  const listeners = new Set<() => void>();
  let cached: SessionTokens | null = null;
  const notify = () => listeners.forEach((l) => l());

  return {
    get() {
      const accessToken = storage.getItem(ACCESS_KEY);
      const refreshToken = storage.getItem(REFRESH_KEY);
      if (!accessToken || !refreshToken) {
        cached = null;
        return null;
      }
      // Keep a stable object identity for useSyncExternalStore.
      if (!cached || cached.accessToken !== accessToken || cached.refreshToken !== refreshToken) {
        cached = { accessToken, refreshToken };
      }
      return cached;
    },
    set(tokens) {
      storage.setItem(ACCESS_KEY, tokens.accessToken);
      storage.setItem(REFRESH_KEY, tokens.refreshToken);
      notify();
    },
    clear() {
      storage.removeItem(ACCESS_KEY);
      storage.removeItem(REFRESH_KEY);
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    notify,
  };
}
