import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { operations } from '../../api/schema';

export type AuditedMethod = NonNullable<NonNullable<operations['list_audit']['parameters']['query']>['method']>;
export const AUDITED_METHODS: AuditedMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE', 'WS'];

export interface AuditFilters {
  actor: string;
  path: string;
  method: AuditedMethod | '';
  /** Values of <input type="datetime-local">, in local time. */
  since: string;
  until: string;
}

export const EMPTY_FILTERS: AuditFilters = { actor: '', path: '', method: '', since: '', until: '' };

function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function useAudit(filters: AuditFilters, page: number, perPage: number) {
  const query = {
    page,
    per_page: perPage,
    actor: filters.actor.trim() || undefined,
    path: filters.path.trim() || undefined,
    method: filters.method || undefined,
    since: toIso(filters.since),
    until: toIso(filters.until),
  };
  return useQuery({
    queryKey: ['audit', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/audit', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}
