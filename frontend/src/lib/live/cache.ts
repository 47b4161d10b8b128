import type { QueryClient } from '@tanstack/react-query';
import type { components } from '../../api/schema';
import { isHostInfo } from '../metrics/series';
import { queryKeys } from '../query-keys';

type Schemas = components['schemas'];
type Server = Schemas['Server'];
type ServerPage = Schemas['ServerPage'];
type ServerPlayers = Schemas['ServerPlayers'];
type ServerEvent = Schemas['ServerEvent'];
type ServerEventPage = Schemas['ServerEventPage'];
type ServerState = Schemas['ServerState'];

/** A bus frame as it arrives (`data` is typed per `type` below). */
export interface LiveFrame {
  seq: number;
  type: Schemas['Channel'];
  server_id?: number | null;
  ts: string;
  data: unknown;
}

const ACTIVE: ServerState[] = ['starting', 'running', 'stopping'];
const STATES: ServerState[] = ['stopped', 'starting', 'running', 'stopping', 'crashed', 'error'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A server with a new state, as the API would show it: pid and start time only while the
 * process is alive. `exact` is false when the start time is a guess (the frame's time) that a
 * refetch should replace.
 */
export function withStatus(server: Server, status: ServerState, pid: number | null, ts: string): { server: Server; exact: boolean } {
  const active = ACTIVE.includes(status);
  const wasActive = ACTIVE.includes(server.status);
  const startedAt = active ? (wasActive && server.started_at ? server.started_at : ts) : null;
  const next: Server = {
    ...server,
    status,
    pid: active ? pid : null,
    started_at: startedAt,
    uptime_seconds: startedAt ? Math.max(0, Math.floor((Date.parse(ts) - Date.parse(startedAt)) / 1000)) : null,
    // A start loads the current config, mods and rotation; a stopped server has nothing pending.
    restart_required: active && status !== 'starting' && server.restart_required,
  };
  if (!active) {
    // Nothing is polled once the game is gone; the API drops these too.
    next.live = null;
    next.rcon = null;
  }
  return { server: next, exact: !active || (wasActive && !!server.started_at) };
}

/**
 * A fetch that was under way when a frame came may carry older state and would overwrite the
 * frame's; such queries are fetched again (the running fetch is dropped).
 */
function refetchIfFetching(qc: QueryClient, key: readonly unknown[]) {
  if (qc.getQueryState(key)?.fetchStatus === 'fetching') void qc.invalidateQueries({ queryKey: key, exact: true });
}

function patchServer(qc: QueryClient, id: number, patch: (s: Server) => Server) {
  qc.setQueryData<Server>(queryKeys.server(id), (old) => (old ? patch(old) : old));
  refetchIfFetching(qc, queryKeys.server(id));
  let listed = false;
  qc.setQueriesData<ServerPage>({ queryKey: queryKeys.serverLists }, (old) => {
    if (!old || !Array.isArray(old.items)) return old;
    if (!old.items.some((s) => s.id === id)) return old;
    listed = true;
    return { ...old, items: old.items.map((s) => (s.id === id ? patch(s) : s)) };
  });
  for (const q of qc.getQueryCache().findAll({ queryKey: queryKeys.serverLists })) refetchIfFetching(qc, q.queryKey);
  return listed;
}

function onStatus(qc: QueryClient, id: number, frame: LiveFrame) {
  if (!isObject(frame.data) || !STATES.includes(frame.data.status as ServerState)) return;
  const status = frame.data.status as ServerState;
  const pid = typeof frame.data.pid === 'number' ? frame.data.pid : null;
  let exact = true;
  let changed = false;
  const listed = patchServer(qc, id, (s) => {
    if (s.status !== status) changed = true;
    const r = withStatus(s, status, pid, frame.ts);
    exact &&= r.exact;
    return r.server;
  });
  const cached = qc.getQueryData<Server>(queryKeys.server(id)) !== undefined;
  // A server no list knows yet (created elsewhere): the lists must be fetched to show it.
  if (!listed) void qc.invalidateQueries({ queryKey: queryKeys.serverLists });
  // The start time above is the frame's; fetch the real one in the background.
  if (!exact) {
    if (cached) void qc.invalidateQueries({ queryKey: queryKeys.server(id), exact: true });
    if (listed) void qc.invalidateQueries({ queryKey: queryKeys.serverLists });
  }
  // A stopped game has no roster; a started one will have one once RCON is up.
  if (changed) void qc.invalidateQueries({ queryKey: queryKeys.roster(id), exact: true });
}

const rosterShape = (p: ServerPlayers | undefined) =>
  p ? p.players.map((x) => x.session_id).sort((a, b) => a - b).join(',') : null;

function onPlayers(qc: QueryClient, id: number, frame: LiveFrame) {
  if (!isObject(frame.data) || !Array.isArray(frame.data.players) || typeof frame.data.monitored !== 'boolean') return;
  const roster = frame.data as unknown as ServerPlayers;
  const before = qc.getQueryData<ServerPlayers>(queryKeys.roster(id));
  qc.setQueryData<ServerPlayers>(queryKeys.roster(id), roster);
  refetchIfFetching(qc, queryKeys.roster(id));
  patchServer(qc, id, (s) => ({ ...s, live: roster.live ?? null, rcon: roster.rcon ?? null }));
  // Someone joined or left: the visit list changed too.
  if (rosterShape(before) !== rosterShape(roster)) void qc.invalidateQueries({ queryKey: queryKeys.sessions(id) });
}

function onEvent(qc: QueryClient, id: number, frame: LiveFrame) {
  if (!isObject(frame.data) || typeof frame.data.id !== 'number' || typeof frame.data.kind !== 'string') return;
  const event = frame.data as unknown as ServerEvent;
  const later: unknown[][] = [];
  for (const [key, page] of qc.getQueriesData<ServerEventPage>({ queryKey: queryKeys.events(id) })) {
    if (!page) continue;
    const params = key[4] as { page?: number } | undefined;
    if (params?.page !== 1) {
      // Every later page shifts by one; let those refetch when shown.
      later.push([...key]);
      continue;
    }
    if (page.items.some((e) => e.id === event.id)) continue;
    qc.setQueryData<ServerEventPage>(key, {
      ...page,
      items: [event, ...page.items].slice(0, page.per_page),
      total: page.total + 1,
    });
    refetchIfFetching(qc, key);
  }
  for (const key of later) void qc.invalidateQueries({ queryKey: key, exact: true });
  // A `created` event for a server the lists do not have yet.
  if (event.kind === 'created') void qc.invalidateQueries({ queryKey: queryKeys.serverLists });
}

/**
 * The host's figures come with every sampling round, in the shape of `/system/info`. A fetch
 * under way is left alone: what it brings is at most one round older, and the next frame
 * replaces it a few seconds later.
 */
function onHostMetrics(qc: QueryClient, frame: LiveFrame) {
  if (isHostInfo(frame.data)) qc.setQueryData(queryKeys.hostInfo, frame.data);
}

/** Folds one bus frame into the query cache. Frames of other channels are left alone. */
export function applyFrame(qc: QueryClient, frame: LiveFrame): void {
  const id = frame.server_id;
  if (frame.type === 'metrics' && id == null) return onHostMetrics(qc, frame);
  if (typeof id !== 'number') return;
  switch (frame.type) {
    case 'status':
      return onStatus(qc, id, frame);
    case 'players':
      return onPlayers(qc, id, frame);
    case 'event':
      return onEvent(qc, id, frame);
    default:
      return;
  }
}

/** After frames were lost (lag, a failed resume, a reconnect): refetch everything they patch. */
export async function resyncAll(qc: QueryClient): Promise<void> {
  await Promise.all([qc.invalidateQueries({ queryKey: queryKeys.servers }), qc.invalidateQueries({ queryKey: queryKeys.system })]);
}
