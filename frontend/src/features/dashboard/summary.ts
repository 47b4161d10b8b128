import type { Schemas } from '../../api/client';

type Server = Schemas['Server'];

export interface ServersSummary {
  total: number;
  running: number;
  /** Crashed, or could not start. */
  failing: number;
  players: number;
  /** Failing first (they need a look), then running ones by players, then the rest by name. */
  ordered: Server[];
}

const RANK: Record<Schemas['ServerState'], number> = { crashed: 0, error: 0, starting: 1, running: 1, stopping: 1, stopped: 2 };

export function summarize(servers: Server[], total: number): ServersSummary {
  const ordered = [...servers].sort(
    (a, b) =>
      RANK[a.status] - RANK[b.status] ||
      (b.live?.players ?? 0) - (a.live?.players ?? 0) ||
      a.name.localeCompare(b.name),
  );
  return {
    total: Math.max(total, servers.length),
    running: servers.filter((s) => s.status === 'running').length,
    failing: servers.filter((s) => s.status === 'crashed' || s.status === 'error').length,
    players: servers.reduce((n, s) => n + (s.live?.players ?? 0), 0),
    ordered,
  };
}
