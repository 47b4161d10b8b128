import { formatDateTime, formatDuration } from '../../utils/format';
import type { Ban } from './api';

export type BanState = 'active' | 'lifted' | 'expired';

/** Active, lifted by someone, or run out (the API records `expiry` as the lifter then). */
export function banState(ban: Pick<Ban, 'active' | 'lifted_by' | 'lifted_at'>): BanState {
  if (ban.active) return 'active';
  if (ban.lifted_at && ban.lifted_by !== 'expiry') return 'lifted';
  return 'expired';
}

export const BAN_STATE_COLORS: Record<BanState, string> = { active: 'red', lifted: 'gray', expired: 'gray' };

/** "permanent", "in 3h 20m" while it runs, or the date it ended. */
export function banExpiry(ban: Pick<Ban, 'expires_at'>, now: number): string {
  if (!ban.expires_at) return 'permanent';
  const end = Date.parse(ban.expires_at);
  if (Number.isNaN(end)) return ban.expires_at;
  if (end > now) return `in ${formatDuration(Math.ceil((end - now) / 1000))}`;
  return formatDateTime(ban.expires_at);
}

/** Where a ban applies. */
export function banScope(ban: Pick<Ban, 'global' | 'server_name' | 'server_id'>): string {
  if (ban.global) return 'global';
  return ban.server_name ?? (ban.server_id != null ? `server #${ban.server_id}` : 'deleted server');
}
