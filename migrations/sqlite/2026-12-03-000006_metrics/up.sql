-- Figures sampled every few seconds (resolution 0) and their aggregates over buckets of 60, 300
-- and 3600 seconds. A NULL server_id is the host.
CREATE TABLE metric_points (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    server_id INTEGER REFERENCES servers(id) ON DELETE CASCADE,
    resolution INTEGER NOT NULL,
    -- The sample's time, or the start of the bucket.
    at TIMESTAMP NOT NULL,
    samples INTEGER NOT NULL,
    cpu_min REAL NOT NULL,
    cpu_avg REAL NOT NULL,
    cpu_max REAL NOT NULL,
    memory_min REAL NOT NULL,
    memory_avg REAL NOT NULL,
    memory_max REAL NOT NULL,
    -- Samples in which the player count was known (RCON was up).
    players_samples INTEGER NOT NULL,
    players_min REAL,
    players_avg REAL,
    players_max REAL,
    disk_min REAL,
    disk_avg REAL,
    disk_max REAL,
    load_min REAL,
    load_avg REAL,
    load_max REAL
);
CREATE INDEX metric_points_series ON metric_points(server_id, resolution, at);
CREATE INDEX metric_points_age ON metric_points(resolution, at);

-- How far each coarser resolution has been built from the finer one.
CREATE TABLE metric_rollups (
    resolution INTEGER PRIMARY KEY NOT NULL,
    done_to TIMESTAMP NOT NULL
);
