import type { Schemas } from '../../api/client';

export type BanPreset = '1h' | '1d' | '7d' | 'permanent' | 'custom';

export const BAN_PRESETS: { value: BanPreset; label: string }[] = [
  { value: '1h', label: '1 hour' },
  { value: '1d', label: '1 day' },
  { value: '7d', label: '7 days' },
  { value: 'permanent', label: 'Permanent' },
  { value: 'custom', label: 'Custom' },
];

const PRESET_MINUTES: Record<'1h' | '1d' | '7d', number> = { '1h': 60, '1d': 24 * 60, '7d': 7 * 24 * 60 };

/** The API's limit: ten years. */
export const MAX_BAN_MINUTES = 5_256_000;
export const MAX_REASON_CHARS = 200;

export interface BanValues {
  preset: BanPreset;
  /** Used with the `custom` preset. */
  customMinutes: number | string;
  reason: string;
  global: boolean;
}

export const EMPTY_BAN: BanValues = { preset: '1d', customMinutes: '', reason: '', global: false };

export type BanBody = Schemas['BanRequest'];

/**
 * Turns the ban dialog's values into the request body, or names the field that is wrong
 * (the same checks the API makes, so the dialog can say so before sending).
 */
export function banRequestBody(v: BanValues): { body: BanBody } | { field: 'customMinutes' | 'reason'; error: string } {
  const reason = v.reason.trim();
  if (reason.length > MAX_REASON_CHARS) return { field: 'reason', error: `At most ${MAX_REASON_CHARS} characters` };
  if (/[\r\n]/.test(reason)) return { field: 'reason', error: 'One line only' };
  const extra: BanBody = { ...(reason ? { reason } : {}), ...(v.global ? { global: true } : {}) };
  if (v.preset === 'permanent') return { body: { permanent: true, ...extra } };
  if (v.preset !== 'custom') return { body: { duration_minutes: PRESET_MINUTES[v.preset], ...extra } };
  const minutes = typeof v.customMinutes === 'number' ? v.customMinutes : Number(String(v.customMinutes).trim() || NaN);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_BAN_MINUTES) {
    return { field: 'customMinutes', error: `A whole number of minutes from 1 to ${MAX_BAN_MINUTES.toLocaleString('en')}` };
  }
  return { body: { duration_minutes: minutes, ...extra } };
}

/** Optional one-line reason for kicks: trimmed, omitted when empty. */
export function kickRequestBody(reason: string): Schemas['KickRequest'] {
  const r = reason.trim();
  return r ? { reason: r } : {};
}
