import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { createAuthFetch } from './auth-fetch';
import { ApiError, toApiError } from './errors';
import { createSession } from './session';
import { createUploader } from './upload';

export type Schemas = components['schemas'];
export type Role = Schemas['Role'];
export type User = Schemas['User'];
export type Server = Schemas['Server'];

export const session = createSession(window.localStorage);

window.addEventListener('storage', (e) => {
  if (e.key === null || e.key.startsWith('languard.')) session.notify();
});

const authFetch = createAuthFetch({ session });

export const api = createClient<paths>({
  baseUrl: window.location.origin,
  fetch: authFetch,
});

/** Multipart uploads with progress, signed in like `api`. */
export const upload = createUploader({ baseUrl: window.location.origin, session, renew: authFetch.renew });

/**
 * Unwraps an openapi-fetch result: returns `data` or throws an ApiError built
 * from the API's error body.
 */
export async function unwrap<T, E>(
  promise: Promise<{ data?: T; error?: E; response: Response }>,
): Promise<T> {
  const { data, error, response } = await promise;
  if (!response.ok) throw toApiError(error, response);
  return data as T;
}

export { ApiError };
