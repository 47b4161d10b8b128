import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandError, LiveClient, showReconnecting, type LiveMessage, type RevokedNotice, type SocketLike } from './client';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readonly ticket: string;
  constructor(ticket: string) {
    this.ticket = ticket;
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop(ev: unknown = {}) {
    this.readyState = 3;
    this.onclose?.(ev);
  }
  /** Answers every subscribe/unsubscribe not answered yet, as the server would. */
  ack(state: { all_servers?: boolean; servers?: number[]; channels?: string[] }) {
    this.receive({ type: 'subscribed', data: { all_servers: false, servers: [], channels: [], ...state } });
  }
}

let sockets: FakeSocket[];
let tickets: number;
let resyncs: number;
let frames: number[];
let revoked: RevokedNotice[];

function makeClient(opts: { failTickets?: number } = {}) {
  let failures = opts.failTickets ?? 0;
  return new LiveClient({
    getTicket: async () => {
      if (failures > 0) {
        failures--;
        throw new Error('offline');
      }
      return `t${++tickets}`;
    },
    connect: (ticket) => {
      const s = new FakeSocket(ticket);
      sockets.push(s);
      return s;
    },
    onFrame: (f) => frames.push(f.seq),
    onResync: () => resyncs++,
    onRevoked: (n) => revoked.push(n),
    random: () => 0.5,
    heartbeatMs: 25_000,
    pongTimeoutMs: 10_000,
    commandTimeoutMs: 30_000,
  });
}

const last = () => sockets[sockets.length - 1];
const flush = () => vi.advanceTimersByTimeAsync(0);
const frame = (seq: number, type: string, server_id: number, data: unknown = {}) => ({ seq, type, server_id, ts: '2026-02-01T10:00:00Z', data });

beforeEach(() => {
  vi.useFakeTimers();
  sockets = [];
  tickets = 0;
  resyncs = 0;
  frames = [];
  revoked = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LiveClient', () => {
  it('reconnects after its rights changed, and stops when its session ended, saying why', async () => {
    const c = makeClient();
    c.start();
    await flush();
    last().open();
    last().drop({ code: 1008, reason: 'rights_changed: your role is now viewer; reconnect to continue' });
    expect(revoked).toEqual([{ kind: 'rights_changed', message: 'your role is now viewer; reconnect to continue', ended: false }]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(2);
    last().open();
    last().drop({ code: 1008, reason: 'token_revoked: this session has ended; log in again' });
    expect(revoked.at(-1)).toEqual({ kind: 'token_revoked', message: 'this session has ended; log in again', ended: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(2);
    expect(c.getSnapshot().state).toBe('stopped');
  });

  it('reconnects when the server could not check its rights', async () => {
    const c = makeClient();
    c.start();
    await flush();
    last().open();
    last().drop({ code: 1008, reason: 'recheck_failed: your rights could not be checked; reconnect' });
    expect(revoked).toEqual([{ kind: 'recheck_failed', message: 'your rights could not be checked; reconnect', ended: false }]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(2);
    expect(c.getSnapshot().state).not.toBe('stopped');
  });

  it('subscribes what is wanted once open, and drops it when released', async () => {
    const c = makeClient();
    const stop = c.listen({ servers: [1], channels: ['console', 'log'] });
    c.start();
    await flush();
    expect(last().ticket).toBe('t1');
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ type: 'subscribe', servers: [1], channels: ['console', 'log'] }]);
    last().ack({ servers: [1], channels: ['console', 'log'] });

    const other = c.listen({ servers: [1], channels: ['status'] });
    expect(last().sent.at(-1)).toEqual({ type: 'subscribe', servers: [], channels: ['status'] });
    last().ack({ servers: [1], channels: ['console', 'log', 'status'] });
    stop();
    expect(last().sent.at(-1)).toEqual({ type: 'unsubscribe', channels: ['console', 'log'] });
    last().ack({ servers: [1], channels: ['status'] });
    other();
    expect(last().sent.at(-1)).toEqual({ type: 'unsubscribe' });
  });

  it('waits for the answer before sending the next change', async () => {
    const c = makeClient();
    c.start();
    await flush();
    last().open();
    c.listen({ servers: [1], channels: ['status'] });
    c.listen({ servers: [2], channels: ['status'] });
    expect(last().sent).toHaveLength(1);
    last().ack({ servers: [1], channels: ['status'] });
    expect(last().sent.at(-1)).toEqual({ type: 'subscribe', servers: [2], channels: [] });
  });

  it('hands frames to the cache and to the handlers whose servers and channels match', async () => {
    const c = makeClient();
    const seen: LiveMessage[] = [];
    c.listen({ servers: [1], channels: ['console'] }, (m) => seen.push(m));
    c.listen({ servers: '*', channels: ['status'] });
    c.start();
    await flush();
    last().open();
    last().ack({ all_servers: true, channels: ['console', 'status'] });
    last().receive(frame(5, 'console', 1, { source: 'console', line: 'hello' }));
    last().receive(frame(6, 'console', 2, { source: 'console', line: 'other server' }));
    last().receive(frame(7, 'status', 1, { status: 'running', pid: 3 }));
    expect(frames).toEqual([5, 6, 7]);
    expect(seen).toEqual([{ kind: 'frame', frame: frame(5, 'console', 1, { source: 'console', line: 'hello' }) }]);
  });

  it('reconnects with growing delays and resumes after the last seq, refetching', async () => {
    const c = makeClient();
    c.listen({ servers: [1], channels: ['status'] });
    c.start();
    await flush();
    last().open();
    last().ack({ servers: [1], channels: ['status'] });
    last().receive(frame(41, 'status', 1));
    expect(showReconnecting(c.getSnapshot())).toBe(false);

    last().drop();
    expect(c.getSnapshot().state).toBe('reconnecting');
    expect(showReconnecting(c.getSnapshot())).toBe(true);
    await vi.advanceTimersByTimeAsync(499);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    last().drop(); // refused again: the next wait is longer
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    expect(last().ticket).toBe('t3');

    last().open();
    expect(last().sent).toEqual([{ type: 'subscribe', servers: [1], channels: ['status'], resume: 41 }]);
    expect(resyncs).toBe(1);
    expect(c.getSnapshot()).toMatchObject({ state: 'open', failures: 0 });
  });

  it('reports a gap and refetches when the server says frames were lost', async () => {
    const c = makeClient();
    const seen: LiveMessage[] = [];
    c.listen({ servers: [1], channels: ['console'] }, (m) => seen.push(m));
    c.start();
    await flush();
    last().open();
    last().receive({ type: 'lagged', data: { missed: 120 } });
    expect(seen).toEqual([{ kind: 'gap', missed: 120 }]);
    expect(resyncs).toBe(1);
  });

  it('treats numbering that started again (a restarted panel) as a gap', async () => {
    const c = makeClient();
    const seen: LiveMessage[] = [];
    c.listen({ servers: [1], channels: ['console'] }, (m) => seen.push(m));
    c.start();
    await flush();
    last().open();
    last().receive(frame(900, 'console', 1));
    last().drop();
    await vi.advanceTimersByTimeAsync(500);
    last().open();
    last().ack({ servers: [1], channels: ['console'] });
    last().receive(frame(3, 'console', 1));
    expect(seen.map((m) => m.kind)).toEqual(['frame', 'gap', 'frame']);
  });

  it('shows nothing during the first connect, only after it failed twice', async () => {
    const c = makeClient({ failTickets: 2 });
    c.start();
    expect(showReconnecting(c.getSnapshot())).toBe(false);
    await flush();
    expect(c.getSnapshot().failures).toBe(1);
    expect(showReconnecting(c.getSnapshot())).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(showReconnecting(c.getSnapshot())).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    last().open();
    expect(showReconnecting(c.getSnapshot())).toBe(false);
  });

  it('subscribes servers one by one after a refusal and leaves out the unknown one', async () => {
    const c = makeClient();
    c.listen({ servers: [1, 2], channels: ['status'] });
    c.start();
    await flush();
    last().open();
    last().receive({ type: 'error', data: { error: 'validation_failed', field: 'servers', message: 'server 2 does not exist' } });
    expect(last().sent.slice(1)).toEqual([
      { type: 'subscribe', servers: [], channels: ['status'] },
      { type: 'subscribe', servers: [1], channels: [] },
      { type: 'subscribe', servers: [2], channels: [] },
    ]);
    last().ack({ channels: ['status'] });
    last().ack({ servers: [1], channels: ['status'] });
    last().receive({ type: 'error', data: { error: 'validation_failed', field: 'servers', message: 'server 2 does not exist' } });
    c.listen({ servers: [1, 2], channels: ['status'] });
    expect(last().sent).toHaveLength(4);
  });

  it('runs commands and matches replies and errors by id', async () => {
    const c = makeClient();
    c.start();
    await flush();
    last().open();
    const ok = c.command(3, 'status');
    const bad = c.command(3, 'nope');
    expect(last().sent).toEqual([
      { type: 'command', server: 3, line: 'status', id: 'c1' },
      { type: 'command', server: 3, line: 'nope', id: 'c2' },
    ]);
    last().receive({ type: 'error', data: { id: 'c2', error: 'conflict', message: 'server 3 is not running' } });
    last().receive({ type: 'reply', data: { id: 'c1', output: 'hostname: test' } });
    await expect(ok).resolves.toBe('hostname: test');
    await expect(bad).rejects.toMatchObject({ kind: 'conflict', message: 'server 3 is not running' });
  });

  it('fails commands it cannot send or that lose their connection', async () => {
    const c = makeClient();
    await expect(c.command(1, 'status')).rejects.toBeInstanceOf(CommandError);
    c.start();
    await flush();
    last().open();
    const waiting = c.command(1, 'status');
    last().drop();
    await expect(waiting).rejects.toMatchObject({ kind: 'connection_lost' });
  });

  it('drops a socket that stops answering pings', async () => {
    const c = makeClient();
    c.start();
    await flush();
    last().open();
    await vi.advanceTimersByTimeAsync(25_000);
    expect(last().sent.at(-1)).toEqual({ type: 'ping', id: 'hb1' });
    last().receive({ type: 'pong', data: { id: 'hb1' } });
    await vi.advanceTimersByTimeAsync(25_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets[0].closed).toBe(true);
    expect(c.getSnapshot().state).toBe('reconnecting');
  });

  it('stays down once stopped', async () => {
    const c = makeClient();
    c.start();
    await flush();
    last().open();
    c.stop();
    expect(last().closed).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(showReconnecting(c.getSnapshot())).toBe(false);
  });

  it('starts over after a stop: no resume, not a reconnect', async () => {
    const c = makeClient();
    c.listen({ servers: [1], channels: ['status'] });
    c.start();
    await flush();
    last().open();
    last().receive(frame(10, 'status', 1));
    c.stop();
    c.start();
    await flush();
    last().open();
    expect(last().sent).toEqual([{ type: 'subscribe', servers: [1], channels: ['status'] }]);
    expect(resyncs).toBe(0);
  });

  it('drops the ticket of a start that was stopped at once (React strict mode)', async () => {
    const c = makeClient();
    c.start();
    c.stop();
    c.start();
    await flush();
    expect(sockets).toHaveLength(1);
    expect(last().ticket).toBe('t2');
  });
});
