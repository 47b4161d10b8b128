import type { components } from './schema';

/** Every error kind the API sends, listed by the OpenAPI document. */
export type ErrorKind = components['schemas']['ErrorKind'];
/** An API error kind, or `http_error` for a failure that did not carry the API's error body. */
export type FailureKind = ErrorKind | 'http_error';

/** The JSON body the API returns for every non-2xx response. */
export interface ErrorBodyLike {
  error: ErrorKind;
  message: string;
  field?: string | null;
}

/** An API failure carrying the server's error kind, message and (optional) field. */
export class ApiError extends Error {
  readonly status: number;
  readonly kind: FailureKind;
  readonly field: string | null;
  /** Seconds from the `Retry-After` header (429 responses), if present. */
  readonly retryAfter: number | null;

  constructor(opts: { status: number; kind: FailureKind; message: string; field?: string | null; retryAfter?: number | null }) {
    super(opts.message);
    this.name = 'ApiError';
    this.status = opts.status;
    this.kind = opts.kind;
    this.field = opts.field ?? null;
    this.retryAfter = opts.retryAfter ?? null;
  }
}

function isErrorBody(value: unknown): value is ErrorBodyLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBodyLike).error === 'string' &&
    typeof (value as ErrorBodyLike).message === 'string'
  );
}

/** Parses a `Retry-After` header given in seconds (HTTP dates are turned into seconds from now). */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const STATUS_TEXT: Record<number, string> = {
  400: 'The request was not valid',
  401: 'You are not signed in',
  403: 'You do not have permission to do this',
  404: 'Not found',
  409: 'This conflicts with the current state',
  413: 'The request is too large',
  422: 'Some input is not valid',
  429: 'Too many requests',
  500: 'The server had an internal error',
  502: 'The server is unreachable',
  503: 'The server is unavailable',
};

/** Builds an ApiError from whatever openapi-fetch gave us as `error` plus the raw response. */
export function toApiError(body: unknown, response: Pick<Response, 'status' | 'headers'>): ApiError {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  if (isErrorBody(body)) {
    return new ApiError({
      status: response.status,
      kind: body.error,
      message: body.message,
      field: body.field ?? null,
      retryAfter,
    });
  }
  const text = typeof body === 'string' && body.trim() !== '' && body.length < 300 ? body.trim() : null;
  return new ApiError({
    status: response.status,
    kind: response.status === 429 ? 'too_many_requests' : 'http_error',
    message: text ?? STATUS_TEXT[response.status] ?? `Request failed with HTTP ${response.status}`,
    retryAfter,
  });
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

/** A readable, user-facing message for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429 || err.kind === 'too_many_requests') {
      return err.retryAfter !== null
        ? `Too many attempts, retry in ${err.retryAfter} s`
        : capitalise(err.message.trim() || 'Too many attempts, please retry later');
    }
    const msg = capitalise(err.message.trim() || STATUS_TEXT[err.status] || `Request failed with HTTP ${err.status}`);
    return err.field ? `${msg} (${err.field})` : msg;
  }
  if (err instanceof TypeError) return 'Cannot reach the Languard server. Check your connection.';
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong';
}
