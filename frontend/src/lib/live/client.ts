import { backoffDelay } from './backoff';
import type { LiveFrame } from './cache';
import { EMPTY, Interests, fromSubscribed, planSync, type Channel, type ClientMessage, type Interest, type SubState } from './subscriptions';

/** The part of `WebSocket` the client uses (so tests can stand in for it). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  // The DOM's event types: a browser WebSocket calls these handlers with them, so one that
  // promised less (`unknown`) would not be a WebSocket under strict function types.
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

const OPEN = 1;

export interface LiveDeps {
  /** A fresh single-use ticket (`POST /ws/ticket`). */
  getTicket: () => Promise<string>;
  /** Opens the socket for a ticket. */
  connect: (ticket: string) => SocketLike;
  /** Every bus frame, before handlers see it (the query-cache patcher). */
  onFrame?: (frame: LiveFrame) => void;
  /** Frames may have been lost, or the socket came back: refetch what they would have patched. */
  onResync?: () => void;
  /** The server closed the socket because the user's rights or session changed. */
  onRevoked?: (notice: RevokedNotice) => void;
  random?: () => number;
  /** App-level ping every this many ms while open; the socket is dropped when no pong follows. */
  heartbeatMs?: number;
  pongTimeoutMs?: number;
  commandTimeoutMs?: number;
}

export type LiveState = 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface LiveSnapshot {
  state: LiveState;
  /** Whether a socket ever opened in this session. */
  everOpened: boolean;
  /** Connection attempts that failed in a row. */
  failures: number;
  /** When the next attempt is due (ms since the epoch), while waiting for it. */
  retryAt: number | null;
}

/** Why the server closed the socket (code 1008, reason `<kind>: <message>`). */
export interface RevokedNotice {
  kind: string;
  message: string;
  /** The session or token itself is gone: reconnecting cannot help. */
  ended: boolean;
}

function revokedNotice(ev: unknown): RevokedNotice | null {
  if (!isObject(ev) || ev.code !== 1008 || typeof ev.reason !== 'string') return null;
  const at = ev.reason.indexOf(': ');
  const kind = at > 0 ? ev.reason.slice(0, at) : ev.reason;
  // A changed role, or a check the server could not finish, is worth a new connection.
  const retry = kind === 'rights_changed' || kind === 'recheck_failed';
  return { kind, message: at > 0 ? ev.reason.slice(at + 2) : '', ended: !retry };
}

/** "Reconnecting…" is for a connection that was lost, not for the first one being made. */
export function showReconnecting(s: LiveSnapshot): boolean {
  return s.state !== 'open' && s.state !== 'stopped' && (s.everOpened || s.failures >= 2);
}

/** What a handler receives: a frame of its servers and channels, or notice of a gap. */
export type LiveMessage = { kind: 'frame'; frame: LiveFrame } | { kind: 'gap'; missed: number | null };

export class CommandError extends Error {
  readonly kind: string;
  readonly field: string | null;
  constructor(kind: string, message: string, field: string | null = null) {
    super(message);
    this.name = 'CommandError';
    this.kind = kind;
    this.field = field;
  }
}

interface Handler {
  servers: Interest['servers'];
  channels: readonly Channel[];
  fn: (m: LiveMessage) => void;
}

interface PendingCommand {
  resolve: (output: string) => void;
  reject: (err: CommandError) => void;
  timer: ReturnType<typeof setTimeout>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * One WebSocket per signed-in session: subscribes to what mounted components ask for, patches
 * the query cache with each frame, reconnects with backoff and resumes from the last `seq`.
 */
export class LiveClient {
  private readonly deps: LiveDeps;
  private readonly interests = new Interests();
  private readonly handlers = new Set<Handler>();
  private readonly statusListeners = new Set<() => void>();
  private snap: LiveSnapshot = { state: 'connecting', everOpened: false, failures: 0, retryAt: null };

  private socket: SocketLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;
  /** Bumped by every start and stop, so that a ticket asked for by an older run is dropped. */
  private generation = 0;
  /** A ticket is being fetched. */
  private opening = false;

  /** Last seq seen; resumed from after a reconnect. */
  private lastSeq: number | null = null;
  /** Set after a reconnect until the first frame: a seq not above it means the server restarted. */
  private resumedFrom: number | null = null;

  private current: SubState = EMPTY;
  private pending: ClientMessage[] = [];
  private dirty = false;
  private split = false;
  private resumeNext: number | undefined;
  private readonly refused = new Set<number>();
  private retrySyncTimer: ReturnType<typeof setTimeout> | null = null;

  private commandSeq = 0;
  private pingSeq = 0;
  private readonly commands = new Map<string, PendingCommand>();

  constructor(deps: LiveDeps) {
    this.deps = deps;
  }

  // ---- state for React ----

  readonly subscribeStatus = (listener: () => void) => {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  };

  readonly getSnapshot = (): LiveSnapshot => this.snap;

  private setSnap(patch: Partial<LiveSnapshot>) {
    this.snap = { ...this.snap, ...patch };
    this.statusListeners.forEach((l) => l());
  }

  get isOpen(): boolean {
    return this.snap.state === 'open';
  }

  // ---- lifecycle ----

  start() {
    if (this.started) return;
    this.started = true;
    this.generation++;
    this.setSnap({ state: 'connecting', everOpened: false, failures: 0, retryAt: null });
    void this.open();
  }

  stop() {
    this.started = false;
    this.generation++;
    this.opening = false;
    this.clearTimers();
    const s = this.socket;
    this.socket = null;
    if (s) this.detach(s, true);
    this.failCommands('The connection was closed.');
    // A later start is a new session: nothing to resume, nothing to call a reconnect.
    this.lastSeq = null;
    this.resumedFrom = null;
    this.current = EMPTY;
    this.pending = [];
    this.setSnap({ state: 'stopped', everOpened: false, failures: 0, retryAt: null });
  }

  /** Try now instead of waiting for the backoff (the browser came back online, a click). */
  retryNow() {
    if (!this.started || this.socket || this.opening) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    void this.open();
  }

  private clearTimers() {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    if (this.retrySyncTimer) clearTimeout(this.retrySyncTimer);
    this.retryTimer = this.heartbeat = this.pongTimer = this.retrySyncTimer = null;
  }

  private async open() {
    const generation = this.generation;
    let ticket: string;
    this.opening = true;
    try {
      ticket = await this.deps.getTicket();
    } catch {
      if (this.started && generation === this.generation && !this.socket) this.scheduleRetry();
      return;
    } finally {
      if (generation === this.generation) this.opening = false;
    }
    if (!this.started || generation !== this.generation || this.socket) return;
    let socket: SocketLike;
    try {
      socket = this.deps.connect(ticket);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.onOpen(socket);
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.onText(ev.data);
    };
    socket.onclose = (ev) => this.onLost(socket, ev);
    socket.onerror = () => this.onLost(socket);
  }

  private detach(s: SocketLike, close: boolean) {
    s.onopen = s.onmessage = s.onclose = s.onerror = null;
    if (close) {
      try {
        s.close(1000, 'bye');
      } catch {
        // Already closing.
      }
    }
  }

  private scheduleRetry() {
    const delay = backoffDelay(this.snap.failures, { random: this.deps.random });
    this.setSnap({
      state: this.snap.everOpened || this.snap.failures >= 1 ? 'reconnecting' : 'connecting',
      failures: this.snap.failures + 1,
      retryAt: Date.now() + delay,
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.open();
    }, delay);
  }

  private onOpen(socket: SocketLike) {
    if (this.socket !== socket) return;
    const reconnect = this.snap.everOpened;
    this.current = EMPTY;
    this.pending = [];
    this.dirty = false;
    this.split = false;
    this.resumeNext = reconnect && this.lastSeq !== null ? this.lastSeq : undefined;
    this.resumedFrom = this.resumeNext ?? null;
    this.setSnap({ state: 'open', everOpened: true, failures: 0, retryAt: null });
    this.startHeartbeat();
    this.sync();
    if (reconnect) {
      // Frames were missed while away (resume replays what it can, but not across a restart of
      // the panel): fetch the state again, and tell handlers when nothing could be replayed.
      this.deps.onResync?.();
      if (this.resumeNext === undefined && this.lastSeq === null) this.gap(null);
    }
  }

  private onLost(socket: SocketLike, ev?: unknown) {
    if (this.socket !== socket) return;
    const revoked = revokedNotice(ev);
    if (revoked) this.deps.onRevoked?.(revoked);
    if (revoked?.ended) {
      this.stop();
      return;
    }
    this.socket = null;
    this.detach(socket, true);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    if (this.retrySyncTimer) clearTimeout(this.retrySyncTimer);
    this.heartbeat = this.pongTimer = this.retrySyncTimer = null;
    this.failCommands('The connection was lost before the game answered; the command may still have run.');
    if (this.started) this.scheduleRetry();
  }

  private startHeartbeat() {
    const every = this.deps.heartbeatMs ?? 25_000;
    const wait = this.deps.pongTimeoutMs ?? 10_000;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      const socket = this.socket;
      if (!socket || this.pongTimer) return;
      this.send({ type: 'ping', id: `hb${++this.pingSeq}` });
      this.pongTimer = setTimeout(() => {
        this.pongTimer = null;
        // No answer: the link is dead even if the browser has not noticed yet.
        this.onLost(socket);
      }, wait);
    }, every);
  }

  private send(msg: ClientMessage): boolean {
    const s = this.socket;
    if (!s || s.readyState !== OPEN) return false;
    s.send(JSON.stringify(msg));
    return true;
  }

  // ---- subscriptions ----

  /**
   * Follows `servers` × `channels` until the returned function is called. `fn` gets the frames
   * that match (the session may carry more, for other components) and gap notices.
   */
  listen(interest: Interest, fn?: (m: LiveMessage) => void): () => void {
    const release = this.interests.add(interest);
    const handler: Handler | null = fn ? { servers: interest.servers, channels: interest.channels, fn } : null;
    if (handler) this.handlers.add(handler);
    this.sync();
    return () => {
      release();
      if (handler) this.handlers.delete(handler);
      this.sync();
    };
  }

  private sync() {
    if (!this.socket || this.snap.state !== 'open') return;
    if (this.pending.length > 0) {
      this.dirty = true;
      return;
    }
    const messages = planSync(this.current, this.interests.desired(this.refused), {
      resume: this.resumeNext,
      split: this.split,
    });
    this.resumeNext = undefined;
    this.split = false;
    for (const m of messages) {
      if (this.send(m)) this.pending.push(m);
    }
  }

  private settled() {
    if (this.pending.length === 0 && this.dirty) {
      this.dirty = false;
      this.sync();
    }
  }

  private onSubscribeError(data: Record<string, unknown>) {
    const failed = this.pending.shift();
    if (failed?.type === 'subscribe') {
      if (failed.resume != null) this.lostFrames(null);
      const ids = Array.isArray(failed.servers) ? failed.servers : [];
      if (data.field === 'servers' && ids.length === 1) this.refused.add(ids[0]);
      else if (data.field === 'servers' && ids.length > 1) this.split = true;
      else if (!this.retrySyncTimer) {
        // Not about a server (e.g. the database hiccupped): try again shortly.
        this.retrySyncTimer = setTimeout(() => {
          this.retrySyncTimer = null;
          this.sync();
        }, 3000);
        return;
      }
    }
    this.dirty = true;
    this.settled();
  }

  // ---- incoming ----

  private onText(raw: unknown) {
    if (typeof raw !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (!isObject(msg)) return;
    if (typeof msg.seq === 'number') return this.onFrame(msg as unknown as LiveFrame);
    const data = isObject(msg.data) ? msg.data : {};
    switch (msg.type) {
      case 'subscribed':
        this.pending.shift();
        this.current = fromSubscribed(data);
        return this.settled();
      case 'lagged':
        return this.lostFrames(typeof data.missed === 'number' ? data.missed : null);
      case 'pong':
        if (this.pongTimer) clearTimeout(this.pongTimer);
        this.pongTimer = null;
        return;
      case 'reply':
        return this.settleCommand(data, null);
      case 'error':
        if (typeof data.id === 'string' && this.commands.has(data.id)) return this.settleCommand(data, data);
        return this.onSubscribeError(data);
      default:
        return;
    }
  }

  private onFrame(frame: LiveFrame) {
    if (this.resumedFrom !== null) {
      // Numbering starts again after the panel restarted: what came before is gone.
      if (frame.seq <= this.resumedFrom) this.lostFrames(null);
      this.resumedFrom = null;
    }
    this.lastSeq = frame.seq;
    this.deps.onFrame?.(frame);
    const id = frame.server_id;
    for (const h of this.handlers) {
      if (!h.channels.includes(frame.type)) continue;
      if (h.servers !== '*' && (typeof id !== 'number' || !h.servers.includes(id))) continue;
      h.fn({ kind: 'frame', frame });
    }
  }

  private lostFrames(missed: number | null) {
    this.deps.onResync?.();
    this.gap(missed);
  }

  private gap(missed: number | null) {
    for (const h of this.handlers) h.fn({ kind: 'gap', missed });
  }

  // ---- commands ----

  /** Runs one console line on a server; resolves with the game's reply. */
  command(server: number, line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const id = `c${++this.commandSeq}`;
      if (!this.send({ type: 'command', server, line, id })) {
        reject(new CommandError('not_connected', 'Not connected to the panel; wait until the connection is back.'));
        return;
      }
      const timer = setTimeout(() => {
        this.commands.delete(id);
        reject(new CommandError('timeout', 'No answer from the panel in time; the command may still have run.'));
      }, this.deps.commandTimeoutMs ?? 30_000);
      this.commands.set(id, { resolve, reject, timer });
    });
  }

  private settleCommand(data: Record<string, unknown>, error: Record<string, unknown> | null) {
    const id = typeof data.id === 'string' ? data.id : '';
    const pending = this.commands.get(id);
    if (!pending) return;
    this.commands.delete(id);
    clearTimeout(pending.timer);
    if (error) {
      pending.reject(
        new CommandError(
          typeof error.error === 'string' ? error.error : 'error',
          typeof error.message === 'string' ? error.message : 'The command failed.',
          typeof error.field === 'string' ? error.field : null,
        ),
      );
    } else {
      pending.resolve(typeof data.output === 'string' ? data.output : '');
    }
  }

  private failCommands(message: string) {
    for (const [id, c] of this.commands) {
      clearTimeout(c.timer);
      c.reject(new CommandError('connection_lost', message));
      this.commands.delete(id);
    }
  }
}
