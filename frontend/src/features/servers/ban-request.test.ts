import { describe, expect, it } from 'vitest';
import { EMPTY_BAN, banRequestBody, kickRequestBody } from './ban-request';

describe('ban dialog → request body', () => {
  it('maps the presets to minutes', () => {
    expect(banRequestBody({ ...EMPTY_BAN, preset: '1h' })).toEqual({ body: { duration_minutes: 60 } });
    expect(banRequestBody({ ...EMPTY_BAN, preset: '1d' })).toEqual({ body: { duration_minutes: 1440 } });
    expect(banRequestBody({ ...EMPTY_BAN, preset: '7d' })).toEqual({ body: { duration_minutes: 10080 } });
  });
  it('sends permanent bans without a duration', () => {
    expect(banRequestBody({ ...EMPTY_BAN, preset: 'permanent', reason: ' cheating ', global: true })).toEqual({
      body: { permanent: true, reason: 'cheating', global: true },
    });
  });
  it('accepts custom minutes given as a number or as text', () => {
    expect(banRequestBody({ ...EMPTY_BAN, preset: 'custom', customMinutes: 90 })).toEqual({ body: { duration_minutes: 90 } });
    expect(banRequestBody({ ...EMPTY_BAN, preset: 'custom', customMinutes: ' 15 ' })).toEqual({ body: { duration_minutes: 15 } });
  });
  it('rejects missing, fractional and out-of-range custom minutes', () => {
    for (const customMinutes of ['', 0, 1.5, -3, 5_256_001, 'abc']) {
      const r = banRequestBody({ ...EMPTY_BAN, preset: 'custom', customMinutes });
      expect(r).toMatchObject({ field: 'customMinutes' });
    }
  });
  it('ignores the custom minutes for presets', () => {
    expect(banRequestBody({ ...EMPTY_BAN, preset: '1h', customMinutes: 'abc' })).toEqual({ body: { duration_minutes: 60 } });
  });
  it('checks the reason like the API does', () => {
    expect(banRequestBody({ ...EMPTY_BAN, reason: 'x'.repeat(201) })).toMatchObject({ field: 'reason' });
    expect(banRequestBody({ ...EMPTY_BAN, reason: 'two\nlines' })).toMatchObject({ field: 'reason' });
    expect(banRequestBody({ ...EMPTY_BAN, reason: '   ' })).toEqual({ body: { duration_minutes: 1440 } });
  });
  it('omits an empty kick reason', () => {
    expect(kickRequestBody('  ')).toEqual({});
    expect(kickRequestBody(' afk ')).toEqual({ reason: 'afk' });
  });
});
