import { describe, expect, it } from 'vitest';
import {
  describeResolution,
  hasValues,
  hostPoint,
  mergePoints,
  readPoint,
  seriesWindow,
  toColumns,
  typicalStep,
  type Point,
} from './series';

const T0 = Date.parse('2026-02-01T10:00:00Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
const agg = (min: number, avg: number, max: number) => ({ min, avg, max });

/** A raw point `s` seconds after T0 with CPU `cpu` and, when given, a player count. */
function point(s: number, cpu: number, players?: number): Point {
  return {
    at: iso(s),
    samples: 1,
    cpu_percent: agg(cpu, cpu, cpu),
    memory_bytes: agg(1000, 1000, 1000),
    ...(players === undefined ? {} : { players: agg(players, players, players) }),
  };
}

const cpus = (ps: Point[]) => ps.map((p) => p.cpu_percent.avg);

describe('mergePoints', () => {
  it('appends live points after the stored ones, oldest first', () => {
    expect(cpus(mergePoints([point(0, 1), point(5, 2)], [point(15, 4), point(10, 3)], T0))).toEqual([1, 2, 3, 4]);
  });

  it('keeps one point per second whatever form its time is written in', () => {
    const stored = { ...point(5, 2), at: '2026-02-01T10:00:05+00:00' };
    const live = { ...point(5, 9), at: '2026-02-01T10:00:05.000Z' };
    expect(cpus(mergePoints([point(0, 1), stored], [live], T0))).toEqual([1, 9]);
  });

  it('drops points older than the start of the range', () => {
    expect(cpus(mergePoints([point(0, 1), point(5, 2)], [point(10, 3)], T0 + 5000))).toEqual([2, 3]);
    expect(mergePoints([point(0, 1)], [], T0 + 1)).toEqual([]);
  });
});

describe('typicalStep', () => {
  it('is the median spacing, so one pause does not stretch it', () => {
    expect(typicalStep([point(0, 0), point(5, 0), point(10, 0), point(300, 0), point(305, 0)])).toBe(5);
  });

  it('needs two points', () => {
    expect(typicalStep([])).toBeNull();
    expect(typicalStep([point(0, 0)])).toBeNull();
  });
});

describe('toColumns', () => {
  it('gives x in seconds and the avg, min and max of the chosen figure', () => {
    const bucket: Point = { ...point(60, 0), cpu_percent: agg(1, 2, 5) };
    expect(toColumns([point(0, 3), bucket], (p) => p.cpu_percent, 60)).toEqual({
      x: [T0 / 1000, T0 / 1000 + 60],
      avg: [3, 2],
      min: [3, 1],
      max: [3, 5],
    });
  });

  it('breaks the line where nothing was measured for more than a few steps', () => {
    const c = toColumns([point(0, 1), point(5, 2), point(15, 3), point(100, 4)], (p) => p.cpu_percent, 5);
    expect(c.x.map((x) => x - T0 / 1000)).toEqual([0, 5, 15, 20, 100]);
    expect(c.avg).toEqual([1, 2, 3, null, 4]);
    expect(c.min[3]).toBeNull();
  });

  it('leaves missing player counts empty instead of zero', () => {
    const c = toColumns([point(0, 1, 3), point(5, 1), point(10, 1, 0)], (p) => p.players, 5);
    expect(c.avg).toEqual([3, null, 0]);
    expect(hasValues(c)).toBe(true);
    expect(hasValues(toColumns([point(0, 1)], (p) => p.players, 5))).toBe(false);
  });

  it('draws no gaps without a known step', () => {
    expect(toColumns([point(0, 1), point(500, 2)], (p) => p.cpu_percent, null).avg).toEqual([1, 2]);
  });
});

describe('seriesWindow', () => {
  const series = { from: iso(-3600), to: iso(0) };

  it('is the span that was asked for', () => {
    expect(seriesWindow(series)).toEqual([T0 / 1000 - 3600, T0 / 1000]);
  });

  it('slides along with live points newer than the series', () => {
    expect(seriesWindow(series, T0 + 30_000)).toEqual([T0 / 1000 - 3570, T0 / 1000 + 30]);
    expect(seriesWindow(series, T0 - 30_000)).toEqual([T0 / 1000 - 3600, T0 / 1000]);
  });
});

describe('frames', () => {
  it('reads a server point and refuses what is not one', () => {
    expect(readPoint(point(0, 1))).toEqual(point(0, 1));
    expect(readPoint({ ...point(0, 1), at: 'yesterday' })).toBeNull();
    expect(readPoint({ ...point(0, 1), cpu_percent: 5 })).toBeNull();
    expect(readPoint(null)).toBeNull();
  });

  it('turns the host figures into a point on the whole second', () => {
    const info = {
      hostname: 'h',
      os: 'Debian',
      kernel: '6.1',
      cpu_brand: 'x',
      cpu_count: 2,
      cpu_usage_percent: 37.5,
      memory_total_bytes: 8000,
      memory_used_bytes: 3000,
      swap_total_bytes: 0,
      swap_used_bytes: 0,
      uptime_seconds: 1,
      load_average: { one: 0.7, five: 0.5, fifteen: 0.2 },
      data_dir: { path: '/d', total_bytes: 100, available_bytes: 40 },
    };
    expect(hostPoint(info, '2026-02-01T10:00:07.812345Z')).toEqual({
      at: iso(7),
      samples: 1,
      cpu_percent: agg(37.5, 37.5, 37.5),
      memory_bytes: agg(3000, 3000, 3000),
      disk_used_bytes: agg(60, 60, 60),
      load_one: agg(0.7, 0.7, 0.7),
    });
    expect(hostPoint({ ...info, load_average: null }, iso(0))).toBeNull();
    expect(hostPoint(info, 'soon')).toBeNull();
  });
});

describe('describeResolution', () => {
  it('says what a point stands for', () => {
    expect(describeResolution('raw')).toBe('every sample');
    expect(describeResolution('5m')).toBe('5-minute averages, shaded from minimum to maximum');
  });
});
