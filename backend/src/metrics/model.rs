//! Stored figures: a point is one sample (raw) or the aggregate of a bucket of samples, with the
//! minimum, mean and maximum of every series. Coarser resolutions are built from finer ones with
//! [`rollup`], the one place where the aggregation arithmetic lives.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::text::within_years;
use crate::error::{ApiError, ApiResult};

/// Most points one query may answer with; a longer range needs a coarser resolution.
pub const MAX_POINTS: i64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Resolution {
    #[serde(rename = "raw")]
    Raw,
    #[serde(rename = "1m")]
    Minute,
    #[serde(rename = "5m")]
    FiveMinutes,
    #[serde(rename = "1h")]
    Hour,
}

impl Resolution {
    pub const ALL: [Resolution; 4] = [
        Resolution::Raw,
        Resolution::Minute,
        Resolution::FiveMinutes,
        Resolution::Hour,
    ];

    /// The width of a bucket, as stored in `metric_points.resolution`; raw points are 0.
    pub fn seconds(self) -> i32 {
        match self {
            Resolution::Raw => 0,
            Resolution::Minute => 60,
            Resolution::FiveMinutes => 300,
            Resolution::Hour => 3600,
        }
    }

    /// The resolution this one is rolled up from.
    pub fn finer(self) -> Option<Resolution> {
        match self {
            Resolution::Raw => None,
            Resolution::Minute => Some(Resolution::Raw),
            Resolution::FiveMinutes => Some(Resolution::Minute),
            Resolution::Hour => Some(Resolution::FiveMinutes),
        }
    }

    /// How long points of this resolution are kept; the hourly ones for `metrics_retention_days`.
    pub fn kept_for(self, hourly_days: i64) -> chrono::Duration {
        match self {
            Resolution::Raw => chrono::Duration::days(2),
            Resolution::Minute => chrono::Duration::days(14),
            Resolution::FiveMinutes => chrono::Duration::days(90),
            Resolution::Hour => chrono::Duration::days(hourly_days),
        }
    }

    /// The finest resolution that keeps a range to a few thousand points at most, for charts.
    fn for_span(span: chrono::Duration) -> Resolution {
        if span <= chrono::Duration::hours(2) {
            Resolution::Raw
        } else if span <= chrono::Duration::days(2) {
            Resolution::Minute
        } else if span <= chrono::Duration::days(8) {
            Resolution::FiveMinutes
        } else {
            Resolution::Hour
        }
    }
}

/// Minimum, mean and maximum of one series over a point's samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Agg {
    pub min: f64,
    pub avg: f64,
    pub max: f64,
}

impl Agg {
    pub fn one(value: f64) -> Agg {
        Agg {
            min: value,
            avg: value,
            max: value,
        }
    }
}

/// One point of a server's or the host's figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Point {
    /// The sample's time, or the start of the bucket.
    pub at: DateTime<Utc>,
    /// Raw samples this point aggregates (1 for a raw point).
    pub samples: i32,
    /// CPU time used, in percent of one core (a server's whole process tree; for the host, of
    /// all cores together: 100 = every core busy).
    pub cpu_percent: Agg,
    /// Resident memory of the server's process tree, or memory used on the host, in bytes.
    pub memory_bytes: Agg,
    /// Players online (servers with a working RCON link).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub players: Option<Agg>,
    /// Samples in which the player count was known, to weigh its mean.
    #[serde(skip)]
    pub players_samples: i32,
    /// Bytes used on the disk holding the data dir (host only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_used_bytes: Option<Agg>,
    /// The one-minute load average (host only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_one: Option<Agg>,
}

/// The start of the bucket of `width` seconds that holds `at` (buckets are aligned to the epoch).
pub fn bucket_start(at: DateTime<Utc>, width: i32) -> DateTime<Utc> {
    let t = at.timestamp();
    let w = i64::from(width.max(1));
    DateTime::from_timestamp(t - t.rem_euclid(w), 0).unwrap_or(at)
}

/// Aggregates time-ordered points into buckets of `width` seconds. Means are weighted by the
/// samples each point holds, so a bucket's mean is the mean of all its raw samples; the player
/// count, unknown while RCON is down, is weighed by the samples in which it was known.
pub fn rollup(points: &[Point], width: i32) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::new();
    let mut group: Vec<&Point> = Vec::new();
    for point in points {
        let start = bucket_start(point.at, width);
        if group.first().is_some_and(|g| bucket_start(g.at, width) != start) {
            out.push(merge(&group, bucket_start(group[0].at, width)));
            group.clear();
        }
        group.push(point);
    }
    if let Some(first) = group.first() {
        out.push(merge(&group, bucket_start(first.at, width)));
    }
    out
}

fn merge(group: &[&Point], at: DateTime<Utc>) -> Point {
    let series = |get: fn(&Point) -> Option<(Agg, i32)>| -> Option<Agg> {
        let mut weight = 0i64;
        let (mut min, mut max, mut sum) = (f64::INFINITY, f64::NEG_INFINITY, 0.0);
        for p in group {
            if let Some((a, samples)) = get(p) {
                let w = i64::from(samples.max(1));
                weight += w;
                min = min.min(a.min);
                max = max.max(a.max);
                sum += a.avg * w as f64;
            }
        }
        (weight > 0).then(|| Agg {
            min,
            avg: sum / weight as f64,
            max,
        })
    };
    Point {
        at,
        samples: group.iter().map(|p| p.samples.max(1)).sum(),
        cpu_percent: series(|p| Some((p.cpu_percent, p.samples))).unwrap_or(Agg::one(0.0)),
        memory_bytes: series(|p| Some((p.memory_bytes, p.samples))).unwrap_or(Agg::one(0.0)),
        players: series(|p| p.players.map(|a| (a, p.players_samples))),
        players_samples: group
            .iter()
            .filter(|p| p.players.is_some())
            .map(|p| p.players_samples.max(1))
            .sum(),
        disk_used_bytes: series(|p| p.disk_used_bytes.map(|a| (a, p.samples))),
        load_one: series(|p| p.load_one.map(|a| (a, p.samples))),
    }
}

/// A range of stored figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetricSeries {
    /// Null for the host's figures.
    #[schema(value_type = Option<i64>)]
    pub server_id: Option<crate::ids::ServerId>,
    pub resolution: Resolution,
    /// Width of each point's bucket (0 for raw samples).
    pub bucket_seconds: i32,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Oldest first. The newest bucket may still be filling.
    pub points: Vec<Point>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MetricParams {
    /// Start of the range (default: one hour before `to`).
    pub from: Option<DateTime<Utc>>,
    /// End of the range (default: now).
    pub to: Option<DateTime<Utc>>,
    /// `raw` (every 5 s sample), `1m`, `5m` or `1h`; by default ≤ 2 h raw, ≤ 2 days 1m, ≤ 8
    /// days 5m, else 1h.
    pub resolution: Option<Resolution>,
}

/// A checked [`MetricParams`].
#[derive(Debug, Clone, Copy)]
pub struct MetricQuery {
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub resolution: Resolution,
}

impl MetricParams {
    /// `sample_secs` is the sampler's interval, to bound the number of raw points.
    pub fn parse(self, sample_secs: u64, now: DateTime<Utc>) -> ApiResult<MetricQuery> {
        let to = self.to.unwrap_or(now);
        let to_n = within_years("to", to)?;
        let from = match self.from {
            Some(from) => from,
            None => to
                .checked_sub_signed(chrono::Duration::hours(1))
                .ok_or_else(|| ApiError::validation("to", "is too early"))?,
        };
        let from_n = within_years("from", from)?;
        if from >= to {
            return Err(ApiError::validation("from", "must be before `to`"));
        }
        let span = to - from;
        let resolution = self.resolution.unwrap_or_else(|| Resolution::for_span(span));
        let width = match resolution.seconds() {
            0 => sample_secs.max(1) as i64,
            w => i64::from(w),
        };
        if span.num_seconds() / width > MAX_POINTS {
            return Err(ApiError::validation(
                "resolution",
                format!("this range would hold more than {MAX_POINTS} points; choose a coarser resolution"),
            ));
        }
        Ok(MetricQuery {
            from: from_n,
            to: to_n,
            resolution,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn raw(secs: i64, cpu: f64, mem: f64, players: Option<f64>) -> Point {
        Point {
            at: at(secs),
            samples: 1,
            cpu_percent: Agg::one(cpu),
            memory_bytes: Agg::one(mem),
            players: players.map(Agg::one),
            players_samples: i32::from(players.is_some()),
            disk_used_bytes: None,
            load_one: None,
        }
    }

    #[test]
    fn buckets_are_aligned_to_the_epoch() {
        // 1_800_000_000 is a multiple of 3600.
        assert_eq!(bucket_start(at(59), 60), at(0));
        assert_eq!(bucket_start(at(60), 60), at(60));
        assert_eq!(bucket_start(at(299), 300), at(0));
        assert_eq!(bucket_start(at(0), 3600).timestamp() % 3600, 0);
        assert_eq!(
            bucket_start(DateTime::from_timestamp(-1, 0).unwrap(), 60).timestamp(),
            -60
        );
    }

    #[test]
    fn a_minute_of_samples_gives_min_mean_max() {
        let points: Vec<Point> = (0..12)
            .map(|i| raw(i * 5, i as f64, 1000.0 + 10.0 * i as f64, Some((i % 3) as f64)))
            .chain([raw(60, 50.0, 5.0, None)])
            .collect();
        let minutes = rollup(&points, 60);
        assert_eq!(minutes.len(), 2);
        let m = &minutes[0];
        assert_eq!((m.at, m.samples), (at(0), 12));
        assert_eq!(
            m.cpu_percent,
            Agg {
                min: 0.0,
                avg: 5.5,
                max: 11.0
            }
        );
        assert_eq!(
            m.memory_bytes,
            Agg {
                min: 1000.0,
                avg: 1055.0,
                max: 1110.0
            }
        );
        assert_eq!(
            m.players,
            Some(Agg {
                min: 0.0,
                avg: 1.0,
                max: 2.0
            })
        );
        assert_eq!(minutes[1].players, None);
        assert_eq!(minutes[1].cpu_percent, Agg::one(50.0));
    }

    #[test]
    fn coarser_means_are_weighted_by_samples() {
        // A full minute at 10 % and a minute with only 3 samples at 40 %: the 5-minute mean is
        // the mean of the 15 raw samples, not the mean of the two minutes.
        let mut full = raw(0, 10.0, 100.0, Some(4.0));
        full.samples = 12;
        full.players_samples = 12;
        let mut short = raw(60, 40.0, 300.0, None);
        short.samples = 3;
        short.cpu_percent = Agg {
            min: 30.0,
            avg: 40.0,
            max: 55.0,
        };
        let five = rollup(&[full, short], 300);
        assert_eq!(five.len(), 1);
        assert_eq!(five[0].samples, 15);
        assert_eq!(
            five[0].cpu_percent,
            Agg {
                min: 10.0,
                avg: 16.0,
                max: 55.0
            }
        );
        assert_eq!(five[0].memory_bytes.avg, 140.0);
        // Players were only known during the full minute.
        assert_eq!(five[0].players, Some(Agg::one(4.0)));
        assert_eq!(five[0].players_samples, 12);
    }

    #[test]
    fn player_means_count_only_samples_where_players_were_known() {
        // Minute one: RCON answered in 6 of 12 samples (2 players); minute two: in all 12 (5).
        let mut half = raw(0, 0.0, 0.0, Some(2.0));
        (half.samples, half.players_samples) = (12, 6);
        let mut whole = raw(60, 0.0, 0.0, Some(5.0));
        (whole.samples, whole.players_samples) = (12, 12);
        let five = rollup(&[half, whole], 300);
        assert_eq!(five[0].players.map(|p| p.avg), Some(4.0));
        assert_eq!((five[0].samples, five[0].players_samples), (24, 18));
    }

    #[test]
    fn rolling_up_in_steps_equals_rolling_up_at_once() {
        let points: Vec<Point> = (0..720)
            .map(|i| {
                raw(
                    i * 5,
                    ((i * 37) % 100) as f64,
                    (i * 1013 % 5000) as f64,
                    Some((i % 7) as f64),
                )
            })
            .collect();
        let direct = rollup(&points, 3600);
        let stepped = rollup(&rollup(&rollup(&points, 60), 300), 3600);
        assert_eq!(direct.len(), stepped.len());
        for (a, b) in direct.iter().zip(&stepped) {
            assert_eq!((a.at, a.samples), (b.at, b.samples));
            for (x, y) in [
                (a.cpu_percent, b.cpu_percent),
                (a.memory_bytes, b.memory_bytes),
                (a.players.unwrap(), b.players.unwrap()),
            ] {
                assert_eq!((x.min, x.max), (y.min, y.max));
                assert!((x.avg - y.avg).abs() < 1e-9, "{x:?} vs {y:?}");
            }
        }
    }

    #[test]
    fn params_are_checked() {
        let now = at(100_000);
        let q = MetricParams {
            from: None,
            to: None,
            resolution: None,
        }
        .parse(5, now)
        .unwrap();
        assert_eq!((q.to - q.from).num_minutes(), 60);
        assert_eq!(q.resolution, Resolution::Raw);
        let month = MetricParams {
            from: Some(now - chrono::Duration::days(30)),
            to: None,
            resolution: None,
        };
        assert_eq!(month.parse(5, now).unwrap().resolution, Resolution::Hour);
        let field = |r: ApiResult<MetricQuery>| r.unwrap_err().body().field;
        let backwards = MetricParams {
            from: Some(now),
            to: Some(now - chrono::Duration::seconds(1)),
            resolution: None,
        };
        assert_eq!(field(backwards.parse(5, now)).as_deref(), Some("from"));
        let earliest = MetricParams {
            from: None,
            to: Some(DateTime::<Utc>::MIN_UTC),
            resolution: None,
        };
        assert_eq!(field(earliest.parse(5, now)).as_deref(), Some("to"));
        let too_fine = MetricParams {
            from: Some(now - chrono::Duration::days(30)),
            to: None,
            resolution: Some(Resolution::Raw),
        };
        assert_eq!(field(too_fine.parse(5, now)).as_deref(), Some("resolution"));
        let fine_enough = MetricParams {
            from: Some(now - chrono::Duration::days(30)),
            to: None,
            resolution: Some(Resolution::FiveMinutes),
        };
        assert!(fine_enough.parse(5, now).is_ok());
    }
}
