import type { components } from '../../api/schema';

export type Channel = components['schemas']['Channel'];
export type ClientMessage = components['schemas']['ClientMessage'];

/** Servers a component follows: ids, or every server. */
export type ServerScope = readonly number[] | '*';

export interface Interest {
  servers: ServerScope;
  channels: readonly Channel[];
}

/**
 * What a session is subscribed to. The protocol keeps one set of servers and one set of channels
 * per session (every channel for every server in it), so this is all the client has to track.
 * While `all` is set, `servers` is left empty: the ids the session may still hold do not matter
 * then, and dropping `"*"` clears them on the server too.
 */
export interface SubState {
  all: boolean;
  servers: number[];
  channels: Channel[];
}

export const EMPTY: SubState = { all: false, servers: [], channels: [] };

const byNumber = (a: number, b: number) => a - b;

function bump<K>(map: Map<K, number>, key: K, by: number) {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

/** Reference-counted interests of mounted components: their union is what the session needs. */
export class Interests {
  private all = 0;
  private readonly servers = new Map<number, number>();
  private readonly channels = new Map<Channel, number>();

  /** Registers an interest; the returned function releases it (calling it twice is harmless). */
  add(interest: Interest): () => void {
    const servers = interest.servers === '*' ? '*' : [...new Set(interest.servers)];
    const channels = [...new Set(interest.channels)];
    this.apply(servers, channels, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.apply(servers, channels, -1);
    };
  }

  private apply(servers: number[] | '*', channels: Channel[], by: number) {
    if (servers === '*') this.all += by;
    else servers.forEach((id) => bump(this.servers, id, by));
    channels.forEach((c) => bump(this.channels, c, by));
  }

  /** The union of all live interests, minus servers the session refused (`excluded`). */
  desired(excluded: ReadonlySet<number> = new Set()): SubState {
    const all = this.all > 0;
    return {
      all,
      servers: all ? [] : [...this.servers.keys()].filter((id) => !excluded.has(id)).sort(byNumber),
      channels: [...this.channels.keys()].sort(),
    };
  }
}

/** A state that selects no frame at all (no server or no channel) is the same as none. */
export function isEffective(s: SubState): boolean {
  return (s.all || s.servers.length > 0) && s.channels.length > 0;
}

export function sameState(a: SubState, b: SubState): boolean {
  return (
    a.all === b.all &&
    a.servers.length === b.servers.length &&
    a.servers.every((x, i) => x === b.servers[i]) &&
    a.channels.length === b.channels.length &&
    a.channels.every((x, i) => x === b.channels[i])
  );
}

/** The state reported by a `subscribed` control frame, in the shape of [`SubState`]. */
export function fromSubscribed(data: unknown): SubState {
  const d = (data ?? {}) as { all_servers?: unknown; servers?: unknown; channels?: unknown };
  const all = d.all_servers === true;
  const servers = Array.isArray(d.servers) ? d.servers.filter((x): x is number => typeof x === 'number') : [];
  const channels = Array.isArray(d.channels) ? d.channels.filter((x): x is Channel => typeof x === 'string') : [];
  return { all, servers: all ? [] : [...new Set(servers)].sort(byNumber), channels: [...new Set(channels)].sort() };
}

export interface PlanOptions {
  /** Replay frames after this seq (the first subscribe after a reconnect). */
  resume?: number;
  /** Subscribe new servers one message each, to find out which one the server refuses. */
  split?: boolean;
}

const minus = <T,>(a: readonly T[], b: readonly T[]) => a.filter((x) => !b.includes(x));

/**
 * The messages that take the session from `current` to `desired`. Channels are always named
 * (an omitted `channels` would mean all of them), and an unsubscribe names what it removes
 * (an empty one drops everything, which is only sent when nothing is wanted any more).
 */
export function planSync(current: SubState, desired: SubState, opts: PlanOptions = {}): ClientMessage[] {
  const out: ClientMessage[] = [];
  if (!isEffective(desired)) {
    if (current.all || current.servers.length > 0 || current.channels.length > 0) out.push({ type: 'unsubscribe' });
    return out;
  }

  let servers = current.servers;
  if (current.all && !desired.all) {
    out.push({ type: 'unsubscribe', servers: '*' });
    servers = [];
  }
  const dropServers = desired.all ? [] : minus(servers, desired.servers);
  const dropChannels = minus(current.channels, desired.channels);
  if (dropServers.length > 0 || dropChannels.length > 0) {
    out.push({
      type: 'unsubscribe',
      ...(dropServers.length > 0 ? { servers: dropServers } : {}),
      ...(dropChannels.length > 0 ? { channels: dropChannels } : {}),
    });
  }

  const addAll = desired.all && !current.all;
  const addServers = desired.all ? [] : minus(desired.servers, servers);
  const addChannels = minus(desired.channels, current.channels);

  if (opts.split && !addAll && addServers.length > 1) {
    if (addChannels.length > 0) out.push({ type: 'subscribe', servers: [], channels: addChannels });
    for (const id of addServers) out.push({ type: 'subscribe', servers: [id], channels: [] });
    return out;
  }
  if (addAll || addServers.length > 0 || addChannels.length > 0 || opts.resume !== undefined) {
    out.push({
      type: 'subscribe',
      servers: addAll ? '*' : addServers,
      channels: addChannels,
      ...(opts.resume !== undefined ? { resume: opts.resume } : {}),
    });
  }
  return out;
}
