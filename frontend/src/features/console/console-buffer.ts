/** Levels the game adapters give parsed log lines. */
export type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * `output`: a line the game wrote; `command`: one the user sent; `reply`: the game's answer;
 * `failure`: the command could not be run; `notice`: something the panel says (gaps, reconnects).
 */
export type LineKind = 'output' | 'command' | 'reply' | 'failure' | 'notice';

export interface ConsoleLine {
  id: number;
  kind: LineKind;
  text: string;
  level: Level | null;
  /** `console` (stdout/stderr) or a log file the adapter follows. */
  source: string | null;
}

/** A stored line (from `GET /servers/{id}/logs`). */
export interface HistoryLine {
  source: string;
  line: string;
  level: string;
}

const LEVELS: Level[] = ['debug', 'info', 'warn', 'error'];
// Colour and cursor sequences some games print; shown as text they are noise.
// eslint-disable-next-line no-control-regex -- matching ESC and BEL is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The lines of one server's console, newest last, at most `limit` of them. A `log` frame (the
 * adapter's reading of a line, with its level) is published just before the `console` frame of
 * the same line and source, so its level is kept for that next line; lines no adapter parsed
 * have no level.
 */
export class ConsoleBuffer {
  readonly limit: number;
  private lines: ConsoleLine[] = [];
  private nextId = 1;
  private readonly levels = new Map<string, Level>();
  /** Lines ever added (for "N new lines" while the view is scrolled up). */
  appended = 0;

  constructor(limit = 5000) {
    this.limit = Math.max(1, limit);
  }

  /** A `log` frame's data. */
  onLog(data: unknown) {
    if (!isObject(data) || typeof data.source !== 'string') return;
    const level = LEVELS.includes(data.level as Level) ? (data.level as Level) : null;
    if (level) this.levels.set(data.source, level);
    else this.levels.delete(data.source);
  }

  /** A `console` frame's data. */
  onConsole(data: unknown) {
    if (!isObject(data) || typeof data.line !== 'string') return;
    const source = typeof data.source === 'string' ? data.source : 'console';
    const level = this.levels.get(source) ?? null;
    this.levels.delete(source);
    this.add('output', stripAnsi(data.line), level, source);
  }

  /** Adds text of the panel or the user; several lines become several entries. */
  push(kind: Exclude<LineKind, 'output'>, text: string) {
    const level: Level | null = kind === 'failure' ? 'error' : null;
    for (const line of stripAnsi(text).replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n')) {
      this.add(kind, line, level, null);
    }
  }

  private add(kind: LineKind, text: string, level: Level | null, source: string | null) {
    this.lines.push({ id: this.nextId++, kind, text, level, source });
    this.appended++;
    // Trim in batches so that a flood does not shift the whole array on every line.
    if (this.lines.length > this.limit + Math.min(512, this.limit)) this.lines.splice(0, this.lines.length - this.limit);
  }

  /**
   * Puts stored lines (oldest first) before what arrived live while they were being fetched.
   * The newest stored lines may be the same as the first live ones; those are not shown twice.
   * Returns how many were added.
   */
  prependHistory(history: readonly HistoryLine[]): number {
    const live = this.lines.filter((l) => l.kind === 'output');
    const same = (h: HistoryLine, l: ConsoleLine) => stripAnsi(h.line) === l.text && h.source === l.source;
    let overlap = 0;
    for (let k = Math.min(history.length, live.length); k > 0; k--) {
      const start = history.length - k;
      let all = true;
      for (let i = 0; i < k && all; i++) all = same(history[start + i], live[i]);
      if (all) {
        overlap = k;
        break;
      }
    }
    const keep = history.slice(0, history.length - overlap).slice(-this.limit);
    const older: ConsoleLine[] = keep.map((h) => ({
      id: 0,
      kind: 'output',
      text: stripAnsi(h.line),
      level: LEVELS.includes(h.level as Level) ? (h.level as Level) : null,
      source: h.source,
    }));
    // Ids only have to be unique and increasing down the list: renumber everything.
    this.lines = [...older, ...this.lines];
    this.lines.forEach((l, i) => (l.id = this.nextId + i));
    this.nextId += this.lines.length;
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
    return older.length;
  }

  /** Forgets the lines on screen (levels still pending for a next line are kept). */
  clear() {
    this.lines = [];
  }

  toArray(): ConsoleLine[] {
    return this.lines.length > this.limit ? this.lines.slice(-this.limit) : this.lines.slice();
  }

  get size(): number {
    return Math.min(this.lines.length, this.limit);
  }
}
