import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, parseRetryAfter, toApiError } from './errors';

function res(status: number, headers: Record<string, string> = {}) {
  return new Response(null, { status, headers });
}

describe('toApiError', () => {
  it('keeps kind, message and field from the API error body', () => {
    const err = toApiError({ error: 'validation_failed', message: 'must be at least 8 characters', field: 'password' }, res(400));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.kind).toBe('validation_failed');
    expect(err.field).toBe('password');
    expect(errorMessage(err)).toBe('Must be at least 8 characters (password)');
  });

  it('reads Retry-After on 429 and explains when to retry', () => {
    const err = toApiError({ error: 'too_many_requests', message: 'slow down' }, res(429, { 'Retry-After': '42' }));
    expect(err.retryAfter).toBe(42);
    expect(errorMessage(err)).toBe('Too many attempts, retry in 42 s');
  });

  it('falls back to a status text when the body is not an ErrorBody', () => {
    expect(errorMessage(toApiError(undefined, res(503)))).toBe('The server is unavailable');
    expect(errorMessage(toApiError({ unexpected: true }, res(418)))).toBe('Request failed with HTTP 418');
  });

  it('shows the last-admin conflict message', () => {
    const err = toApiError({ error: 'conflict', message: 'cannot delete the last admin', field: null }, res(409));
    expect(errorMessage(err)).toBe('Cannot delete the last admin');
  });
});

describe('errorMessage', () => {
  it('explains network failures', () => {
    expect(errorMessage(new TypeError('Failed to fetch'))).toMatch(/cannot reach/i);
  });
  it('handles unknown values', () => {
    expect(errorMessage(42)).toBe('Something went wrong');
  });
});

describe('parseRetryAfter', () => {
  it('parses seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('garbage')).toBeNull();
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30);
  });
});
