import type { Schemas } from '../../api/client';

export type LogEntry = Schemas['LogEntry'];
export type LogPage = Schemas['LogPage'];

/** Lines per page of the Logs tab (the API allows up to 1000). */
export const LOGS_PAGE = 200;

export interface LogFilters {
  /** The least severe level shown; empty for all. */
  level: '' | 'info' | 'warn' | 'error';
  /** `console`, `game`, or empty for both. */
  source: '' | 'console' | 'game';
  /** Text the line contains (case-insensitive). */
  q: string;
  /** `datetime-local` values (the browser's time zone), empty for open-ended. */
  from: string;
  to: string;
}

export const NO_FILTERS: LogFilters = { level: '', source: '', q: '', from: '', to: '' };

export interface LogQuery {
  level?: string;
  source?: string;
  q?: string;
  since?: string;
  until?: string;
  cursor?: number;
  limit?: number;
}

/** A `datetime-local` value as an RFC 3339 instant, or `undefined` when empty or unreadable. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/** An instant as a `datetime-local` value in the browser's time zone (minutes precision). */
export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The query string of one page: only the filters that are set. */
export function toLogQuery(f: LogFilters, cursor?: number, limit = LOGS_PAGE): LogQuery {
  const q: LogQuery = { limit };
  if (f.level) q.level = f.level;
  if (f.source) q.source = f.source;
  const text = f.q.trim();
  if (text) q.q = text;
  const since = localToIso(f.from);
  const until = localToIso(f.to);
  if (since) q.since = since;
  if (until) q.until = until;
  if (cursor !== undefined) q.cursor = cursor;
  return q;
}

/** Why the filters cannot be sent as they are, or `null`. */
export function filterProblem(f: LogFilters): string | null {
  const since = localToIso(f.from);
  const until = localToIso(f.to);
  if (since && until && since >= until) return 'The start of the range must be before its end.';
  return null;
}

export const nextCursor = (page: LogPage): number | undefined => page.next_cursor ?? undefined;

/** Pages of newest-first lines as one list, without the duplicates a shifting page can bring. */
export function flattenPages(pages: readonly LogPage[]): LogEntry[] {
  const seen = new Set<number>();
  const out: LogEntry[] = [];
  for (const p of pages) {
    for (const e of p.items) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      out.push(e);
    }
  }
  return out;
}
