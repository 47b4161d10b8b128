/** Reconnect delays: 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s, each with ±20 % jitter so that many
 * browsers cut off by the same restart do not come back in the same millisecond. */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Fraction of the delay added or removed at random (0 for none). */
  jitter?: number;
  /** Returns a number in [0, 1); `Math.random` by default. */
  random?: () => number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const { baseMs = 500, capMs = 10_000, jitter = 0.2, random = Math.random } = opts;
  const n = Math.max(0, Math.floor(attempt));
  // 2 ** 30 is far past any cap; keeps the exponent from overflowing to Infinity.
  const raw = Math.min(capMs, baseMs * 2 ** Math.min(n, 30));
  const spread = raw * jitter * (random() * 2 - 1);
  return Math.round(Math.min(capMs, Math.max(0, raw + spread)));
}
