import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { components } from '../../api/schema';
import { queryKeys } from '../query-keys';
import { applyFrame, withStatus, type LiveFrame } from './cache';

type Schemas = components['schemas'];

function server(id: number, over: Partial<Schemas['Server']> = {}): Schemas['Server'] {
  return {
    id,
    name: `s${id}`,
    game: 'source',
    executable: '/srv/srcds_run',
    game_port: 27015,
    directory: `/srv/${id}`,
    status: 'stopped',
    pid: null,
    started_at: null,
    uptime_seconds: null,
    ports: [],
    auto_restart: false,
    max_restarts: 3,
    restart_window_secs: 600,
    stop_timeout_secs: 10,
    has_admin_password: false,
    has_game_password: false,
    has_rcon_password: true,
    restart_required: false,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...over,
  };
}

const frame = (type: LiveFrame['type'], server_id: number, data: unknown, seq = 1): LiveFrame => ({
  seq,
  type,
  server_id,
  ts: '2026-02-01T10:00:00Z',
  data,
});

function client() {
  // No query functions here: invalidation only marks entries stale.
  return new QueryClient({ defaultOptions: { queries: { retry: false } } });
}

const isStale = (qc: QueryClient, key: readonly unknown[]) => qc.getQueryState(key)?.isInvalidated === true;

describe('withStatus', () => {
  it('keeps the start time while the process lives and clears it when it is gone', () => {
    const running = server(1, { status: 'running', pid: 10, started_at: '2026-02-01T09:59:00Z', uptime_seconds: 5 });
    const stopping = withStatus(running, 'stopping', 10, '2026-02-01T10:00:00Z');
    expect(stopping.exact).toBe(true);
    expect(stopping.server).toMatchObject({ status: 'stopping', pid: 10, started_at: '2026-02-01T09:59:00Z', uptime_seconds: 60 });
    const stopped = withStatus(stopping.server, 'stopped', 10, '2026-02-01T10:00:05Z');
    expect(stopped.server).toMatchObject({ status: 'stopped', pid: null, started_at: null, uptime_seconds: null, live: null, rcon: null });
  });

  it('guesses the start time from the frame when a process starts', () => {
    const r = withStatus(server(1), 'starting', 42, '2026-02-01T10:00:00Z');
    expect(r.exact).toBe(false);
    expect(r.server).toMatchObject({ status: 'starting', pid: 42, started_at: '2026-02-01T10:00:00Z', uptime_seconds: 0 });
  });

  it('keeps a pending restart while the server runs and drops it once it stops or starts again', () => {
    const running = server(1, { status: 'running', pid: 10, started_at: '2026-02-01T09:59:00Z', restart_required: true });
    const stopping = withStatus(running, 'stopping', 10, '2026-02-01T10:00:00Z').server;
    expect(stopping.restart_required).toBe(true);
    expect(withStatus(stopping, 'stopped', null, '2026-02-01T10:00:05Z').server.restart_required).toBe(false);
    expect(withStatus(stopping, 'starting', 11, '2026-02-01T10:00:05Z').server.restart_required).toBe(false);
  });
});

describe('applyFrame', () => {
  it('patches a status into the detail and every list page holding the server', () => {
    const qc = client();
    qc.setQueryData(queryKeys.server(1), server(1, { status: 'running', pid: 7, started_at: '2026-02-01T09:00:00Z' }));
    qc.setQueryData(queryKeys.serverList(1, 50), { items: [server(1, { status: 'running', pid: 7, started_at: '2026-02-01T09:00:00Z' }), server(2)], page: 1, per_page: 50, total: 2 });
    applyFrame(qc, frame('status', 1, { status: 'stopping', pid: 7 }));
    expect(qc.getQueryData<Schemas['Server']>(queryKeys.server(1))?.status).toBe('stopping');
    const list = qc.getQueryData<Schemas['ServerPage']>(queryKeys.serverList(1, 50));
    expect(list?.items.map((s) => s.status)).toEqual(['stopping', 'stopped']);
    // The start time was known: no refetch of the detail.
    expect(isStale(qc, queryKeys.server(1))).toBe(false);
  });

  it('refetches the detail and lists when the start time is only a guess', () => {
    const qc = client();
    qc.setQueryData(queryKeys.server(1), server(1));
    qc.setQueryData(queryKeys.serverList(1, 50), { items: [server(1)], page: 1, per_page: 50, total: 1 });
    applyFrame(qc, frame('status', 1, { status: 'starting', pid: 99 }));
    expect(qc.getQueryData<Schemas['Server']>(queryKeys.server(1))).toMatchObject({ status: 'starting', pid: 99 });
    expect(isStale(qc, queryKeys.server(1))).toBe(true);
    expect(isStale(qc, queryKeys.serverList(1, 50))).toBe(true);
  });

  it('refetches the lists for a server none of them has', () => {
    const qc = client();
    qc.setQueryData(queryKeys.serverList(1, 50), { items: [server(2)], page: 1, per_page: 50, total: 1 });
    applyFrame(qc, frame('status', 5, { status: 'stopped', pid: null }));
    expect(isStale(qc, queryKeys.serverList(1, 50))).toBe(true);
  });

  it('ignores frames it cannot read', () => {
    const qc = client();
    qc.setQueryData(queryKeys.server(1), server(1));
    applyFrame(qc, frame('status', 1, { status: 'exploded' }));
    applyFrame(qc, frame('players', 1, { players: 'nope' }));
    applyFrame(qc, { ...frame('status', 1, { status: 'running' }), server_id: null });
    expect(qc.getQueryData(queryKeys.server(1))).toEqual(server(1));
  });

  it('replaces the roster and copies its figures onto the server', () => {
    const qc = client();
    qc.setQueryData(queryKeys.server(3), server(3, { status: 'running' }));
    qc.setQueryData([...queryKeys.sessions(3), { page: 1, perPage: 10 }], { items: [], page: 1, per_page: 10, total: 0 });
    const live = { players: 1, max_players: 24, bots: 0, hibernating: false, map: 'de_dust2' };
    const rcon = { state: 'connected' as const, since: '2026-02-01T09:00:00Z' };
    const roster = {
      monitored: true,
      live,
      rcon,
      polled_at: '2026-02-01T10:00:00Z',
      players: [{ session_id: 11, player_id: 4, name: 'Alice', identity: '76561198000000001', joined_at: '2026-02-01T09:59:00Z' }],
    };
    applyFrame(qc, frame('players', 3, roster));
    expect(qc.getQueryData(queryKeys.roster(3))).toEqual(roster);
    expect(qc.getQueryData<Schemas['Server']>(queryKeys.server(3))).toMatchObject({ live, rcon });
    expect(isStale(qc, [...queryKeys.sessions(3), { page: 1, perPage: 10 }])).toBe(true);
  });

  it('fetches again when a fetch under way would overwrite the frame with older state', async () => {
    const qc = client();
    const stale = { monitored: true, players: [{ session_id: 1, player_id: 1, name: 'Alice', identity: 'x', joined_at: '2026-02-01T09:00:00Z' }] };
    const fresh = { monitored: true, players: [] };
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const queryFn = async () => {
      calls++;
      if (calls === 1) {
        await gate;
        return stale;
      }
      return fresh;
    };
    // A mounted roster (an observer) whose first fetch is still on the way.
    const observer = new QueryObserver(qc, { queryKey: queryKeys.roster(3), queryFn });
    const unsubscribe = observer.subscribe(() => {});
    await Promise.resolve();
    expect(qc.getQueryState(queryKeys.roster(3))?.fetchStatus).toBe('fetching');
    applyFrame(qc, frame('players', 3, fresh));
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(2);
    expect(qc.getQueryData(queryKeys.roster(3))).toEqual(fresh);
    unsubscribe();
  });

  it('leaves the visit list alone when only the figures changed', () => {
    const qc = client();
    const base = { monitored: true, players: [], live: { players: 0, bots: 0, hibernating: false } };
    qc.setQueryData(queryKeys.roster(3), base);
    qc.setQueryData([...queryKeys.sessions(3), { page: 1, perPage: 10 }], { items: [], page: 1, per_page: 10, total: 0 });
    applyFrame(qc, frame('players', 3, { ...base, live: { players: 0, bots: 2, hibernating: false } }));
    expect(isStale(qc, [...queryKeys.sessions(3), { page: 1, perPage: 10 }])).toBe(false);
  });

  it('puts a new event on top of the first page and shifts later pages by refetching', () => {
    const qc = client();
    const old = { id: 1, kind: 'created', message: 'created', created_at: '2026-01-01T00:00:00Z' };
    qc.setQueryData(queryKeys.eventsPage(2, 1, 2), { items: [old, { ...old, id: 0 }], page: 1, per_page: 2, total: 3 });
    qc.setQueryData(queryKeys.eventsPage(2, 2, 2), { items: [{ ...old, id: -1 }], page: 2, per_page: 2, total: 3 });
    const started = { id: 2, kind: 'starting', message: 'starting', created_at: '2026-02-01T10:00:00Z' };
    applyFrame(qc, frame('event', 2, started));
    applyFrame(qc, frame('event', 2, started, 2)); // replayed after a resume: not twice
    const first = qc.getQueryData<Schemas['ServerEventPage']>(queryKeys.eventsPage(2, 1, 2));
    expect(first?.items.map((e) => e.id)).toEqual([2, 1]);
    expect(first?.total).toBe(4);
    expect(isStale(qc, queryKeys.eventsPage(2, 2, 2))).toBe(true);
    expect(isStale(qc, queryKeys.eventsPage(2, 1, 2))).toBe(false);
  });

  it('puts the host figures of a metrics frame without a server in place of /system/info', () => {
    const qc = client();
    const host = (cpu: number): Schemas['HostInfo'] => ({
      hostname: 'h',
      os: 'Debian',
      kernel: '6.1',
      cpu_brand: 'x',
      cpu_count: 2,
      cpu_usage_percent: cpu,
      memory_total_bytes: 8e9,
      memory_used_bytes: 2e9,
      swap_total_bytes: 0,
      swap_used_bytes: 0,
      uptime_seconds: 100,
      load_average: { one: 0.5, five: 0.4, fifteen: 0.3 },
      data_dir: { path: '/var/lib/languard', total_bytes: 1e11, available_bytes: 5e10 },
    });
    qc.setQueryData(queryKeys.hostInfo, host(1));
    applyFrame(qc, { ...frame('metrics', 0, host(42)), server_id: null });
    expect(qc.getQueryData<Schemas['HostInfo']>(queryKeys.hostInfo)?.cpu_usage_percent).toBe(42);
    // A server's point is not the host's, nor is a frame that does not read as host figures.
    applyFrame(qc, frame('metrics', 3, { at: '2026-02-01T10:00:00Z', samples: 1 }));
    applyFrame(qc, { ...frame('metrics', 0, { cpu_usage_percent: 'high' }), server_id: null });
    expect(qc.getQueryData<Schemas['HostInfo']>(queryKeys.hostInfo)?.cpu_usage_percent).toBe(42);
  });
});
