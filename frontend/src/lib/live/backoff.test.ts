import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const exact = { jitter: 0 };

  it('doubles from the base up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((a) => backoffDelay(a, exact))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
  });

  it('never exceeds the cap, even with jitter pushing up', () => {
    for (let a = 0; a < 40; a++) expect(backoffDelay(a, { random: () => 0.999 })).toBeLessThanOrEqual(10_000);
  });

  it('spreads delays within the jitter band', () => {
    expect(backoffDelay(2, { random: () => 0 })).toBe(1600);
    expect(backoffDelay(2, { random: () => 0.5 })).toBe(2000);
    expect(backoffDelay(2, { random: () => 0.99999 })).toBeGreaterThan(2390);
  });

  it('treats odd attempts sensibly', () => {
    expect(backoffDelay(-3, exact)).toBe(500);
    expect(backoffDelay(2.7, exact)).toBe(2000);
    expect(backoffDelay(1e9, exact)).toBe(10_000);
  });
});
