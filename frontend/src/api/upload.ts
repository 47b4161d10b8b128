import { toApiError } from './errors';
import type { Session } from './session';

/** What one attempt of an upload brought back. */
export interface UploadReply {
  status: number;
  body: unknown;
  retryAfter: string | null;
}

export interface UploadAttempt {
  url: string;
  form: FormData;
  token: string | undefined;
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
}

export type UploadTransport = (attempt: UploadAttempt) => Promise<UploadReply>;

/** Posts a form with XMLHttpRequest: fetch cannot report how much of a request body was sent. */
export const xhrTransport: UploadTransport = ({ url, form, token, signal, onProgress }) =>
  new Promise((resolve, reject) => {
    const cancelled = () => new DOMException('The upload was cancelled', 'AbortError');
    if (signal?.aborted) return reject(cancelled());
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded, e.total);
    };
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON (a proxy's error page): the text becomes the error message.
      }
      resolve({ status: xhr.status, body, retryAfter: xhr.getResponseHeader('Retry-After') });
    };
    // The error a failed fetch gives, so that it is explained the same way.
    xhr.onerror = () => reject(new TypeError('Failed to fetch'));
    xhr.onabort = () => reject(cancelled());
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });

export interface UploaderOptions {
  baseUrl: string;
  session: Session;
  /** The API client's session renewal (see `createAuthFetch`). */
  renew: (used: string, url: string) => Promise<boolean>;
  transport?: UploadTransport;
}

export interface UploadOptions {
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
}

/**
 * Uploads with the API client's bearer token; on a 401 the session is renewed once and the
 * form sent again. Answers outside 2xx are thrown as ApiErrors.
 */
export function createUploader({ baseUrl, session, renew, transport = xhrTransport }: UploaderOptions) {
  return async function upload<T>(path: string, form: FormData, opts: UploadOptions = {}): Promise<T> {
    const url = new URL(path, baseUrl).toString();
    const send = (token: string | undefined) => transport({ url, form, token, ...opts });
    const used = session.get()?.accessToken;
    let reply = await send(used);
    if (reply.status === 401 && used && (await renew(used, url))) reply = await send(session.get()?.accessToken);
    if (reply.status < 200 || reply.status >= 300) {
      const headers = new Headers(reply.retryAfter ? { 'Retry-After': reply.retryAfter } : {});
      throw toApiError(reply.body, { status: reply.status, headers });
    }
    return reply.body as T;
  };
}
