import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './errors';
import { createSession, type KeyValueStorage } from './session';
import { createUploader, type UploadAttempt, type UploadReply } from './upload';

function memoryStorage(): KeyValueStorage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

function setup(replies: UploadReply[], renewed = true) {
  const session = createSession(memoryStorage());
  session.set({ accessToken: 'old', refreshToken: 'r' });
  const tokens: (string | undefined)[] = [];
  const transport = vi.fn(async (a: UploadAttempt) => {
    tokens.push(a.token);
    return replies.shift()!;
  });
  const renew = vi.fn(async () => {
    if (renewed) session.set({ accessToken: 'new', refreshToken: 'r2' });
    return renewed;
  });
  const upload = createUploader({ baseUrl: 'http://panel', session, renew, transport });
  return { upload, transport, renew, tokens };
}

const form = () => new FormData();

describe('createUploader', () => {
  it('sends the bearer token to the absolute URL and returns the body', async () => {
    const { upload, transport, tokens } = setup([{ status: 201, body: { replaced: false }, retryAfter: null }]);
    expect(await upload('/api/v1/servers/1/missions', form())).toEqual({ replaced: false });
    expect(transport.mock.calls[0][0].url).toBe('http://panel/api/v1/servers/1/missions');
    expect(tokens).toEqual(['old']);
  });

  it('renews the session once on 401 and sends the form again with the new token', async () => {
    const { upload, renew, tokens } = setup([
      { status: 401, body: { error: 'unauthorized', message: 'expired' }, retryAfter: null },
      { status: 201, body: { replaced: true }, retryAfter: null },
    ]);
    expect(await upload('/x', form())).toEqual({ replaced: true });
    expect(renew).toHaveBeenCalledWith('old', 'http://panel/x');
    expect(tokens).toEqual(['old', 'new']);
  });

  it('gives up with the 401 when the session cannot be renewed', async () => {
    const { upload, tokens } = setup([{ status: 401, body: { error: 'unauthorized', message: 'expired' }, retryAfter: null }], false);
    await expect(upload('/x', form())).rejects.toMatchObject({ status: 401 });
    expect(tokens).toEqual(['old']);
  });

  it('throws the API error with its field', async () => {
    const { upload } = setup([
      { status: 422, body: { error: 'validation_failed', message: '`x.exe` is not a .pbo file', field: 'file' }, retryAfter: null },
    ]);
    const err = await upload('/x', form()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, field: 'file', message: '`x.exe` is not a .pbo file' });
  });
});
