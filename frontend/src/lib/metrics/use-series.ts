import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { LiveFrame } from '../live/cache';
import { useLiveSubscription } from '../live/react';
import type { ServerScope } from '../live/subscriptions';
import { RANGES, mergePoints, pointSecond, seriesWindow, typicalStep, type MetricSeries, type Point, type RangeKey, type Resolution } from './series';

export interface SeriesSource {
  /** The cache key of this source and range (under `queryKeys.servers` or `queryKeys.system`, so a resync refetches it). */
  queryKey: readonly unknown[];
  fetch: (query: { from: string; resolution?: Resolution }, signal: AbortSignal) => Promise<MetricSeries>;
  /** Whose `metrics` frames carry the live points (`'*'` for the host's). */
  servers: ServerScope;
  /** The point a frame carries, or null for frames of something else. */
  readFrame: (frame: LiveFrame) => Point | null;
}

export interface SeriesView {
  points: Point[];
  /** The time shown, in Unix seconds. */
  window: [number, number];
  resolution: Resolution;
  /** The spacing of the points in seconds (null while there are too few raw points to tell). */
  step: number | null;
}

interface LiveBuffer {
  points: Point[];
  /** Time of the newest live point (ms), which the window follows. */
  at: number;
}

/**
 * A stored series for `range`, with the points of `metrics` frames appended while the range is
 * live (the last hour). The live points are kept apart from the fetched ones and merged when
 * shown: one that arrives while a fetch is under way is then neither lost nor shown twice.
 */
export function useMetricSeries(source: SeriesSource, range: RangeKey) {
  const spec = RANGES[range];
  const query = useQuery({
    queryKey: source.queryKey,
    queryFn: ({ signal }) =>
      source.fetch({ from: new Date(Date.now() - spec.seconds * 1000).toISOString(), resolution: spec.resolution }, signal),
    // The previous range stays on screen (with its own window) while another one loads.
    placeholderData: keepPreviousData,
  });
  const [live, setLive] = useState<LiveBuffer>({ points: [], at: 0 });
  useLiveSubscription(spec.live ? source.servers : null, ['metrics'], (m) => {
    if (m.kind !== 'frame') return;
    const p = source.readFrame(m.frame);
    if (!p) return;
    const at = pointSecond(p) * 1000;
    setLive((prev) => ({ points: mergePoints(prev.points, [p], at - spec.seconds * 1000), at: Math.max(prev.at, at) }));
  });

  const data = query.data;
  const merging = spec.live && !query.isPlaceholderData;
  const view = useMemo((): SeriesView | null => {
    if (!data) return null;
    const window = seriesWindow(data, merging ? live.at : 0);
    const points = merging ? mergePoints(data.points, live.points, window[0] * 1000) : data.points;
    return {
      points,
      window,
      resolution: data.resolution,
      step: data.bucket_seconds > 0 ? data.bucket_seconds : typicalStep(points),
    };
  }, [data, merging, live]);

  return { query, view };
}
