import type { components } from '../../api/schema';

type Schemas = components['schemas'];
export type Point = Schemas['Point'];
export type Agg = Schemas['Agg'];
export type Resolution = Schemas['Resolution'];
export type HostInfo = Schemas['HostInfo'];
export type MetricSeries = Schemas['MetricSeries'];

export interface RangeSpec {
  label: string;
  /** The range in a sentence ("no figures for …"). */
  words: string;
  seconds: number;
  /** Asked for explicitly where live points are merged in (they are raw samples); otherwise the API picks. */
  resolution?: Resolution;
  /** Whether points from the live stream are appended while this range is shown. */
  live: boolean;
}

export const RANGE_KEYS = ['1h', '24h', '7d', '30d'] as const;
export type RangeKey = (typeof RANGE_KEYS)[number];

export const RANGES: Record<RangeKey, RangeSpec> = {
  '1h': { label: '1 h', words: 'the last hour', seconds: 3600, resolution: 'raw', live: true },
  '24h': { label: '24 h', words: 'the last 24 hours', seconds: 86_400, live: false },
  '7d': { label: '7 d', words: 'the last 7 days', seconds: 7 * 86_400, live: false },
  '30d': { label: '30 d', words: 'the last 30 days', seconds: 30 * 86_400, live: false },
};

/** A gap wider than this many steps between two points is drawn as a break in the line. */
export const GAP_STEPS = 3;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isAgg = (v: unknown): v is Agg => isObject(v) && isNum(v.min) && isNum(v.avg) && isNum(v.max);
const one = (v: number): Agg => ({ min: v, avg: v, max: v });

/**
 * A point's time in whole seconds. Samples are taken on whole seconds, so this is the key that
 * makes a stored point and the same point seen live compare equal whatever their text says.
 */
export function pointSecond(p: Pick<Point, 'at'>): number {
  return Math.floor(Date.parse(p.at) / 1000);
}

/** The `data` of a server's `metrics` frame, when it reads as a point. */
export function readPoint(data: unknown): Point | null {
  if (!isObject(data) || typeof data.at !== 'string' || Number.isNaN(Date.parse(data.at))) return null;
  if (!isAgg(data.cpu_percent) || !isAgg(data.memory_bytes)) return null;
  return data as unknown as Point;
}

export function isHostInfo(data: unknown): data is HostInfo {
  return (
    isObject(data) &&
    isNum(data.cpu_usage_percent) &&
    isNum(data.memory_used_bytes) &&
    isNum(data.memory_total_bytes) &&
    isObject(data.data_dir) &&
    isNum(data.data_dir.total_bytes) &&
    isNum(data.data_dir.available_bytes) &&
    isObject(data.load_average) &&
    isNum(data.load_average.one)
  );
}

/**
 * The host's `metrics` frame (the figures of `/system/info`) as a point at the frame's time,
 * in the shape `/system/metrics` stores it.
 */
export function hostPoint(data: unknown, ts: string): Point | null {
  const t = Date.parse(ts);
  if (!isHostInfo(data) || Number.isNaN(t)) return null;
  return {
    at: new Date(Math.floor(t / 1000) * 1000).toISOString(),
    samples: 1,
    cpu_percent: one(data.cpu_usage_percent),
    memory_bytes: one(data.memory_used_bytes),
    disk_used_bytes: one(Math.max(0, data.data_dir.total_bytes - data.data_dir.available_bytes)),
    load_one: one(data.load_average.one),
  };
}

/**
 * `base` and `extra` together, oldest first, one point per second (`extra` wins, being newer),
 * without the points older than `fromMs`.
 */
export function mergePoints(base: readonly Point[], extra: readonly Point[], fromMs: number): Point[] {
  const from = Math.ceil(fromMs / 1000);
  const bySecond = new Map<number, Point>();
  for (const p of [...base, ...extra]) {
    const s = pointSecond(p);
    if (s >= from) bySecond.set(s, p);
  }
  return [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}

/** The usual spacing of raw points: the median gap, so that one long pause does not count. */
export function typicalStep(points: readonly Point[]): number | null {
  if (points.length < 2) return null;
  const gaps: number[] = [];
  for (let i = 1; i < points.length; i++) gaps.push(pointSecond(points[i]) - pointSecond(points[i - 1]));
  gaps.sort((a, b) => a - b);
  return Math.max(1, gaps[Math.floor(gaps.length / 2)]);
}

/** One figure over time, as chart columns: x in Unix seconds, `null` where there is no value. */
export interface Columns {
  x: number[];
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

/**
 * The columns of the figure `pick` chooses. `stepSeconds` is the points' spacing (a bucket's
 * width, or the sampling interval for raw points): where two points are further apart than
 * `GAP_STEPS` steps (the server was stopped, the panel was down) a row of nulls is put between
 * them so the line breaks instead of bridging the time nothing was measured.
 */
export function toColumns(points: readonly Point[], pick: (p: Point) => Agg | null | undefined, stepSeconds: number | null): Columns {
  const out: Columns = { x: [], avg: [], min: [], max: [] };
  let prev: number | null = null;
  for (const p of points) {
    const x = pointSecond(p);
    if (prev !== null && stepSeconds && x - prev > GAP_STEPS * stepSeconds) {
      out.x.push(prev + stepSeconds);
      out.avg.push(null);
      out.min.push(null);
      out.max.push(null);
    }
    const v = pick(p);
    out.x.push(x);
    out.avg.push(v ? v.avg : null);
    out.min.push(v ? v.min : null);
    out.max.push(v ? v.max : null);
    prev = x;
  }
  return out;
}

export const hasValues = (c: Columns): boolean => c.avg.some((v) => v !== null);

/**
 * The time a chart shows, in Unix seconds: the span the series was asked for, ending at its
 * `to` or, once live points came in after it, at the newest of them (`liveAtMs`), so the
 * window slides along with them.
 */
export function seriesWindow(series: Pick<MetricSeries, 'from' | 'to'>, liveAtMs = 0): [number, number] {
  const to = Date.parse(series.to);
  const span = to - Date.parse(series.from);
  const end = Math.max(to, liveAtMs);
  return [Math.floor((end - span) / 1000), Math.floor(end / 1000)];
}

const BUCKETS: Record<Exclude<Resolution, 'raw'>, string> = { '1m': '1-minute', '5m': '5-minute', '1h': 'hourly' };

/** What one point stands for, in words. */
export function describeResolution(resolution: Resolution): string {
  return resolution === 'raw' ? 'every sample' : `${BUCKETS[resolution]} averages, shaded from minimum to maximum`;
}
