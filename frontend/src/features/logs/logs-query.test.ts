import { describe, expect, it } from 'vitest';
import { NO_FILTERS, filterProblem, flattenPages, isoToLocal, localToIso, nextCursor, toLogQuery, type LogEntry } from './logs-query';

const entry = (id: number): LogEntry => ({
  id,
  server_id: 1,
  source: 'console',
  level: 'info',
  kind: 'other',
  line: `line ${id}`,
  message: `line ${id}`,
  logged_at: '2026-02-01T10:00:00Z',
});

describe('toLogQuery', () => {
  it('sends only what is set', () => {
    expect(toLogQuery(NO_FILTERS)).toEqual({ limit: 200 });
    expect(toLogQuery({ ...NO_FILTERS, q: '   ' })).toEqual({ limit: 200 });
  });

  it('passes level, source, trimmed text, the range as instants and the cursor', () => {
    const from = '2026-02-01T10:00';
    const q = toLogQuery({ level: 'warn', source: 'game', q: ' connected ', from, to: '' }, 1234, 50);
    expect(q).toEqual({ level: 'warn', source: 'game', q: 'connected', since: new Date(from).toISOString(), cursor: 1234, limit: 50 });
  });
});

describe('local times', () => {
  it('round-trip between datetime-local values and instants', () => {
    const iso = localToIso('2026-03-04T05:06');
    expect(iso).toBeDefined();
    expect(isoToLocal(iso!)).toBe('2026-03-04T05:06');
    expect(localToIso('')).toBeUndefined();
    expect(localToIso('yesterday-ish')).toBeUndefined();
    expect(isoToLocal('nope')).toBe('');
  });

  it('refuse a range that ends before it starts', () => {
    expect(filterProblem({ ...NO_FILTERS, from: '2026-02-02T00:00', to: '2026-02-01T00:00' })).toMatch(/before/);
    expect(filterProblem({ ...NO_FILTERS, from: '2026-02-01T00:00', to: '2026-02-02T00:00' })).toBeNull();
    expect(filterProblem({ ...NO_FILTERS, to: '2026-02-01T00:00' })).toBeNull();
  });
});

describe('pages', () => {
  it('flatten in order without duplicates and give the next cursor', () => {
    const pages = [
      { items: [entry(9), entry(8)], next_cursor: 8 },
      { items: [entry(8), entry(7)], next_cursor: null },
    ];
    expect(flattenPages(pages).map((e) => e.id)).toEqual([9, 8, 7]);
    expect(nextCursor(pages[0])).toBe(8);
    expect(nextCursor(pages[1])).toBeUndefined();
  });
});
