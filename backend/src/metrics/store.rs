//! Rows of `metric_points` and `metric_rollups`: batched inserts of samples, the rollup of
//! finer points into coarser buckets (each step in one transaction with its watermark, so a
//! bucket is built once), range queries that finish the newest buckets from finer points, and
//! retention per resolution.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::model::{bucket_start, rollup, Agg, MetricQuery, Point, Resolution};
use crate::db::schema::{metric_points, metric_rollups};
use crate::db::{to_utc, Db, WriteTransaction};
use crate::error::ApiResult;
use crate::ids::ServerId;
use crate::with_conn;

/// Buckets rolled up in one transaction, so catching up after downtime stays in small steps.
const BUCKETS_PER_STEP: i64 = 60;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = metric_points)]
struct PointRow {
    server_id: Option<ServerId>,
    resolution: i32,
    at: NaiveDateTime,
    samples: i32,
    cpu_min: f64,
    cpu_avg: f64,
    cpu_max: f64,
    memory_min: f64,
    memory_avg: f64,
    memory_max: f64,
    players_samples: i32,
    players_min: Option<f64>,
    players_avg: Option<f64>,
    players_max: Option<f64>,
    disk_min: Option<f64>,
    disk_avg: Option<f64>,
    disk_max: Option<f64>,
    load_min: Option<f64>,
    load_avg: Option<f64>,
    load_max: Option<f64>,
}

type Columns = (
    metric_points::server_id,
    metric_points::resolution,
    metric_points::at,
    metric_points::samples,
    metric_points::cpu_min,
    metric_points::cpu_avg,
    metric_points::cpu_max,
    metric_points::memory_min,
    metric_points::memory_avg,
    metric_points::memory_max,
    metric_points::players_samples,
    metric_points::players_min,
    metric_points::players_avg,
    metric_points::players_max,
    metric_points::disk_min,
    metric_points::disk_avg,
    metric_points::disk_max,
    metric_points::load_min,
    metric_points::load_avg,
    metric_points::load_max,
);

const COLUMNS: Columns = (
    metric_points::server_id,
    metric_points::resolution,
    metric_points::at,
    metric_points::samples,
    metric_points::cpu_min,
    metric_points::cpu_avg,
    metric_points::cpu_max,
    metric_points::memory_min,
    metric_points::memory_avg,
    metric_points::memory_max,
    metric_points::players_samples,
    metric_points::players_min,
    metric_points::players_avg,
    metric_points::players_max,
    metric_points::disk_min,
    metric_points::disk_avg,
    metric_points::disk_max,
    metric_points::load_min,
    metric_points::load_avg,
    metric_points::load_max,
);

fn split(a: Option<Agg>) -> (Option<f64>, Option<f64>, Option<f64>) {
    (a.map(|a| a.min), a.map(|a| a.avg), a.map(|a| a.max))
}

fn join(min: Option<f64>, avg: Option<f64>, max: Option<f64>) -> Option<Agg> {
    Some(Agg {
        min: min?,
        avg: avg?,
        max: max?,
    })
}

impl PointRow {
    fn new(server_id: Option<ServerId>, resolution: Resolution, p: &Point) -> PointRow {
        let (players_min, players_avg, players_max) = split(p.players);
        let (disk_min, disk_avg, disk_max) = split(p.disk_used_bytes);
        let (load_min, load_avg, load_max) = split(p.load_one);
        PointRow {
            server_id,
            resolution: resolution.seconds(),
            at: p.at.naive_utc(),
            samples: p.samples,
            cpu_min: p.cpu_percent.min,
            cpu_avg: p.cpu_percent.avg,
            cpu_max: p.cpu_percent.max,
            memory_min: p.memory_bytes.min,
            memory_avg: p.memory_bytes.avg,
            memory_max: p.memory_bytes.max,
            players_samples: p.players_samples,
            players_min,
            players_avg,
            players_max,
            disk_min,
            disk_avg,
            disk_max,
            load_min,
            load_avg,
            load_max,
        }
    }

    fn point(&self) -> Point {
        Point {
            at: to_utc(self.at),
            samples: self.samples,
            cpu_percent: Agg {
                min: self.cpu_min,
                avg: self.cpu_avg,
                max: self.cpu_max,
            },
            memory_bytes: Agg {
                min: self.memory_min,
                avg: self.memory_avg,
                max: self.memory_max,
            },
            players: join(self.players_min, self.players_avg, self.players_max),
            players_samples: self.players_samples,
            disk_used_bytes: join(self.disk_min, self.disk_avg, self.disk_max),
            load_one: join(self.load_min, self.load_avg, self.load_max),
        }
    }
}

/// Stores one round of raw samples (every server and the host) in one transaction.
pub async fn insert_samples(db: &Db, samples: Vec<(Option<ServerId>, Point)>) -> ApiResult<()> {
    let rows: Vec<PointRow> = samples
        .iter()
        .map(|(server, p)| PointRow::new(*server, Resolution::Raw, p))
        .collect();
    db.run(move |pool| {
        with_conn!(pool, |c| {
            c.write_transaction(|c| {
                // 500 rows of 20 values stay below SQLite's limit of bound variables.
                for chunk in rows.chunks(500) {
                    diesel::insert_into(metric_points::table).values(chunk).execute(c)?;
                }
                Ok(())
            })
        })
    })
    .await
}

async fn watermark(db: &Db, resolution: Resolution) -> ApiResult<Option<NaiveDateTime>> {
    db.run(move |pool| {
        with_conn!(pool, |c| {
            Ok(metric_rollups::table
                .find(resolution.seconds())
                .select(metric_rollups::done_to)
                .first(c)
                .optional()?)
        })
    })
    .await
}

async fn load(
    db: &Db,
    server: Option<ServerId>,
    resolution: Resolution,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> ApiResult<Vec<Point>> {
    let rows: Vec<PointRow> = db
        .run(move |pool| {
            with_conn!(pool, |c| {
                let q = metric_points::table
                    .select(COLUMNS)
                    .filter(metric_points::resolution.eq(resolution.seconds()))
                    .filter(metric_points::at.ge(from))
                    .filter(metric_points::at.lt(to))
                    .into_boxed();
                let q = match server {
                    Some(id) => q.filter(metric_points::server_id.eq(id)),
                    None => q.filter(metric_points::server_id.is_null()),
                };
                Ok(q.order(metric_points::at).load::<PointRow>(c)?)
            })
        })
        .await?;
    Ok(rows.iter().map(PointRow::point).collect())
}

/// A server's (or, for `None`, the host's) points in the range. Buckets not rolled up yet (the
/// newest ones) are built from the finer points they are made of, so a chart is current.
pub async fn series(db: &Db, server: Option<ServerId>, query: MetricQuery) -> ApiResult<Vec<Point>> {
    let width = query.resolution.seconds();
    if width == 0 {
        return load(db, server, Resolution::Raw, query.from, query.to).await;
    }
    let mut from = bucket_start(to_utc(query.from), width).naive_utc();
    let mut points = Vec::new();
    let mut resolution = Some(query.resolution);
    while let Some(r) = resolution {
        if from >= query.to {
            break;
        }
        let stored_to = match r {
            Resolution::Raw => Some(query.to),
            _ => watermark(db, r).await?.map(|done| done.min(query.to)),
        };
        if let Some(stored_to) = stored_to.filter(|t| *t > from) {
            points.extend(load(db, server, r, from, stored_to).await?);
            from = stored_to;
        }
        resolution = r.finer();
    }
    Ok(rollup(&points, width))
}

/// Builds every complete bucket not built yet, finest first (each coarser resolution is made
/// of the finer one). A bucket is complete `grace` after its end, when its last sample is in.
pub async fn rollup_pending(db: &Db, now: DateTime<Utc>, grace: chrono::Duration) -> ApiResult<usize> {
    let mut built = 0;
    for r in [Resolution::Minute, Resolution::FiveMinutes, Resolution::Hour] {
        let Some(finer) = r.finer() else { continue };
        let width = r.seconds();
        let until = bucket_start(now - grace, width).naive_utc();
        loop {
            let step = db
                .run(move |pool| {
                    with_conn!(pool, |c| {
                        c.write_transaction(|c| {
                            let done: Option<NaiveDateTime> = metric_rollups::table
                                .find(width)
                                .select(metric_rollups::done_to)
                                .first(c)
                                .optional()?;
                            let start = match done {
                                Some(done) => done,
                                None => {
                                    let first: Option<NaiveDateTime> = metric_points::table
                                        .filter(metric_points::resolution.eq(finer.seconds()))
                                        .select(diesel::dsl::min(metric_points::at))
                                        .first(c)?;
                                    match first {
                                        Some(first) => bucket_start(to_utc(first), width).naive_utc(),
                                        None => return Ok(None),
                                    }
                                }
                            };
                            if start >= until {
                                return Ok(None);
                            }
                            let end =
                                (start + chrono::Duration::seconds(i64::from(width) * BUCKETS_PER_STEP)).min(until);
                            let rows: Vec<PointRow> = metric_points::table
                                .select(COLUMNS)
                                .filter(metric_points::resolution.eq(finer.seconds()))
                                .filter(metric_points::at.ge(start))
                                .filter(metric_points::at.lt(end))
                                .order((metric_points::server_id, metric_points::at))
                                .load(c)?;
                            let mut out = Vec::new();
                            for series in rows.chunk_by(|a, b| a.server_id == b.server_id) {
                                let points: Vec<Point> = series.iter().map(PointRow::point).collect();
                                out.extend(
                                    rollup(&points, width)
                                        .iter()
                                        .map(|p| PointRow::new(series[0].server_id, r, p)),
                                );
                            }
                            for chunk in out.chunks(500) {
                                diesel::insert_into(metric_points::table).values(chunk).execute(c)?;
                            }
                            diesel::insert_into(metric_rollups::table)
                                .values((metric_rollups::resolution.eq(width), metric_rollups::done_to.eq(end)))
                                .on_conflict(metric_rollups::resolution)
                                .do_update()
                                .set(metric_rollups::done_to.eq(excluded(metric_rollups::done_to)))
                                .execute(c)?;
                            Ok(Some(out.len()))
                        })
                    })
                })
                .await?;
            match step {
                Some(n) => built += n,
                None => break,
            }
        }
    }
    Ok(built)
}

/// Deletes points older than their resolution is kept for.
pub async fn prune(db: &Db, now: DateTime<Utc>, hourly_days: i64) -> ApiResult<usize> {
    db.run(move |pool| {
        with_conn!(pool, |c| {
            let mut deleted = 0;
            for r in Resolution::ALL {
                let before = (now - r.kept_for(hourly_days)).naive_utc();
                deleted += diesel::delete(
                    metric_points::table
                        .filter(metric_points::resolution.eq(r.seconds()))
                        .filter(metric_points::at.lt(before)),
                )
                .execute(c)?;
            }
            Ok(deleted)
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    //! The rollup and range queries against real SQLite and PostgreSQL databases.
    use super::*;
    use diesel::connection::SimpleConnection;

    const SERVER_ROW: &str = "INSERT INTO servers (name, game, executable, game_port, directory, config, \
        secrets, auto_restart, max_restarts, restart_window_secs, stop_timeout_secs, state, created_at, \
        updated_at) VALUES ('s', 'generic', '/bin/true', 1, '/tmp', '{}', '{}', false, 0, 0, 0, 'stopped', \
        '2020-01-01 00:00:00', '2020-01-01 00:00:00')";

    fn sample(at: DateTime<Utc>, i: i64, players: bool) -> Point {
        Point {
            at,
            samples: 1,
            cpu_percent: Agg::one((i * 37 % 100) as f64),
            memory_bytes: Agg::one((1000 + i * 7 % 300) as f64),
            players: players.then(|| Agg::one((i % 5) as f64)),
            players_samples: i32::from(players),
            disk_used_bytes: None,
            load_one: None,
        }
    }

    /// Three hours of samples every 5 s for a server and the host, ending 30 s before `now`.
    async fn fill(db: &Db, now: DateTime<Utc>) -> (Vec<Point>, Vec<Point>) {
        let start = bucket_start(now, 3600) - chrono::Duration::hours(3);
        let (mut server, mut host) = (Vec::new(), Vec::new());
        let mut round = Vec::new();
        for i in 0.. {
            let at = start + chrono::Duration::seconds(5 * i);
            if at > now - chrono::Duration::seconds(30) {
                break;
            }
            let s = sample(at, i, i % 4 != 0);
            let h = sample(at, i + 11, false);
            round.push((Some(ServerId(1)), s.clone()));
            round.push((None, h.clone()));
            server.push(s);
            host.push(h);
        }
        insert_samples(db, round).await.unwrap();
        (server, host)
    }

    fn close(a: &[Point], b: &[Point]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert_eq!((x.at, x.samples), (y.at, y.samples));
            assert_eq!(
                (x.cpu_percent.min, x.cpu_percent.max),
                (y.cpu_percent.min, y.cpu_percent.max)
            );
            assert!((x.cpu_percent.avg - y.cpu_percent.avg).abs() < 1e-9);
            assert!((x.memory_bytes.avg - y.memory_bytes.avg).abs() < 1e-9);
            assert_eq!(x.players.is_some(), y.players.is_some());
            if let (Some(p), Some(q)) = (x.players, y.players) {
                assert!((p.avg - q.avg).abs() < 1e-9);
            }
        }
    }

    async fn rollups_match_the_raw_samples(db: Db) {
        db.run(|pool| with_conn!(pool, |c| Ok(c.batch_execute(SERVER_ROW)?)))
            .await
            .unwrap();
        // Half past an hour, so that the three hours before are complete whatever the clock says.
        let now = bucket_start(Utc::now(), 3600) + chrono::Duration::minutes(30);
        let (server, host) = fill(&db, now).await;
        let grace = chrono::Duration::seconds(12);
        let all = |r| MetricQuery {
            from: (now - chrono::Duration::hours(4)).naive_utc(),
            to: now.naive_utc(),
            resolution: r,
        };
        // Before any rollup every resolution is built from the raw samples.
        for r in [Resolution::Minute, Resolution::Hour] {
            close(
                &series(&db, Some(ServerId(1)), all(r)).await.unwrap(),
                &rollup(&server, r.seconds()),
            );
        }
        let built = rollup_pending(&db, now, grace).await.unwrap();
        assert!(built > 2 * 180, "{built} buckets");
        // Run again: nothing is built twice.
        assert_eq!(rollup_pending(&db, now, grace).await.unwrap(), 0);
        for r in [Resolution::Minute, Resolution::FiveMinutes, Resolution::Hour] {
            close(
                &series(&db, Some(ServerId(1)), all(r)).await.unwrap(),
                &rollup(&server, r.seconds()),
            );
            close(&series(&db, None, all(r)).await.unwrap(), &rollup(&host, r.seconds()));
        }
        let raw = series(&db, None, all(Resolution::Raw)).await.unwrap();
        assert_eq!(raw.len(), host.len());
        // A range inside the data: whole buckets from the one holding `from`.
        let from = bucket_start(now, 3600) - chrono::Duration::minutes(90);
        let part = MetricQuery {
            from: (from + chrono::Duration::seconds(20)).naive_utc(),
            to: (from + chrono::Duration::minutes(10)).naive_utc(),
            resolution: Resolution::Minute,
        };
        let got = series(&db, Some(ServerId(1)), part).await.unwrap();
        assert_eq!(got.len(), 10);
        assert_eq!(got[0].at, from);
        assert_eq!(got[0].samples, 12);
        // Retention: nothing is old yet; three days later the raw samples are gone and the
        // finished hours are still there, built from them.
        assert_eq!(prune(&db, now, 365).await.unwrap(), 0);
        let pruned = prune(&db, now + chrono::Duration::days(3), 365).await.unwrap();
        assert_eq!(pruned, 2 * server.len());
        assert!(series(&db, Some(ServerId(1)), all(Resolution::Raw))
            .await
            .unwrap()
            .is_empty());
        let hours = series(&db, Some(ServerId(1)), all(Resolution::Hour)).await.unwrap();
        let expected = rollup(&server, 3600);
        close(&hours[..3], &expected[..3]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_rollups_match_the_raw_samples() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        rollups_match_the_raw_samples(Db::connect(&url, 2).unwrap()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_rollups_match_the_raw_samples() {
        use diesel::Connection;
        let admin = std::env::var("LANGUARD_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://languard:languard@127.0.0.1:5432/postgres".into());
        let name = format!("lgu_{}_{}", std::process::id(), rand::random::<u32>());
        let mut conn = diesel::PgConnection::establish(&admin).expect("PostgreSQL (see LANGUARD_TEST_PG_URL)");
        conn.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let db = Db::connect(&format!("{base}/{name}"), 2).unwrap();
        rollups_match_the_raw_samples(db.clone()).await;
        drop(db);
        conn.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
    }
}
