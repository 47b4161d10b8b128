import { alpha, useComputedColorScheme, useMantineTheme, type MantineColor } from '@mantine/core';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Columns } from '../../lib/metrics/series';

export interface MetricChartProps {
  /** The figure's name, in the legend and for screen readers. */
  label: string;
  columns: Columns;
  /** Draw min and max as a shaded band around the average (for bucketed points). */
  banded: boolean;
  /** The time shown, in Unix seconds (the whole range, even where there are no points yet). */
  xRange: [number, number];
  format: (value: number) => string;
  color: MantineColor;
  /** Steps the value axis may use between ticks (uPlot's decimal steps when left out). */
  ticks?: number[];
  /** A fixed top of the value axis (e.g. 100 % or the memory installed). */
  yMax?: number;
  /** Charts with the same key move their cursors together. */
  syncKey?: string;
  height?: number;
  testId?: string;
}

/** Tick steps for bytes: powers of two, so that the axis reads 256 MiB, 512 MiB, 1 GiB. */
export const BYTE_TICKS = [0, 1, 2, 3, 4].flatMap((k) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** k));
/** Tick steps for counts: whole numbers only. */
export const COUNT_TICKS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

const aligned = (c: Columns, banded: boolean): uPlot.AlignedData => (banded ? [c.x, c.avg, c.min, c.max] : [c.x, c.avg]);

const formatTime = (ts: number) => new Date(ts * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A line chart of one figure over time (uPlot on a canvas) that follows its container's width and the colour scheme. */
export function MetricChart({ label, columns, banded, xRange, format, color, ticks, yMax, syncKey, height = 170, testId }: MetricChartProps) {
  const theme = useMantineTheme();
  const scheme = useComputedColorScheme('light');
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Read by uPlot's callbacks, which outlive a render; the chart is only rebuilt when its look changes.
  const latest = useRef({ columns, xRange, format, yMax });
  useEffect(() => {
    latest.current = { columns, xRange, format, yMax };
  });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const dark = scheme === 'dark';
    const line = theme.colors[color][dark ? 4 : 6];
    const text = dark ? theme.colors.dark[1] : theme.colors.gray[7];
    const grid = dark ? theme.colors.dark[4] : theme.colors.gray[2];
    const font = `12px ${theme.fontFamily}`;
    const value = (_: uPlot, v: number | null) => (v == null ? '—' : latest.current.format(v));
    const edge = (name: string): uPlot.Series => ({ label: name, stroke: alpha(line, 0.45), width: 1, value, points: { show: false } });
    const axis = { stroke: text, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const opts: uPlot.Options = {
      width: el.clientWidth,
      height,
      // The x range is set from `xRange` after every update (uPlot would fit it to the data).
      scales: {
        x: { time: true, auto: false },
        y: {
          range: (_u, _min, max) => {
            const top = latest.current.yMax ?? (max > 0 ? max * 1.15 : 1);
            return [0, top];
          },
        },
      },
      series: [
        { value: (_: uPlot, ts: number | null) => (ts == null ? '—' : formatTime(ts)) },
        { label, stroke: line, width: 2, value },
        ...(banded ? [edge('min'), edge('max')] : []),
      ],
      bands: banded ? [{ series: [3, 2], fill: alpha(line, 0.18) }] : [],
      axes: [axis, { ...axis, size: 72, incrs: ticks, values: (_u, splits) => splits.map((v) => latest.current.format(v)) }],
      cursor: syncKey ? { sync: { key: syncKey } } : {},
    };
    const u = new uPlot(opts, aligned(latest.current.columns, banded), el);
    const [min, max] = latest.current.xRange;
    u.setScale('x', { min, max });
    plot.current = u;
    const resize = new ResizeObserver(() => {
      if (el.clientWidth !== u.width) u.setSize({ width: el.clientWidth, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [theme, scheme, color, label, banded, ticks, syncKey, height]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    u.setData(aligned(columns, banded), false);
    u.setScale('x', { min: xRange[0], max: xRange[1] });
  }, [columns, banded, xRange]);

  const last = columns.avg.findLast((v) => v !== null);
  return (
    <div
      ref={box}
      role="img"
      aria-label={last == null ? label : `${label}, latest ${format(last)}`}
      data-testid={testId}
    />
  );
}
