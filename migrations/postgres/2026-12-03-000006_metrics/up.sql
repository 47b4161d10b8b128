-- Figures sampled every few seconds (resolution 0) and their aggregates over buckets of 60, 300
-- and 3600 seconds. A NULL server_id is the host.
CREATE TABLE metric_points (
    id BIGSERIAL PRIMARY KEY,
    server_id BIGINT REFERENCES servers(id) ON DELETE CASCADE,
    resolution INTEGER NOT NULL,
    -- The sample's time, or the start of the bucket.
    at TIMESTAMP NOT NULL,
    samples INTEGER NOT NULL,
    cpu_min DOUBLE PRECISION NOT NULL,
    cpu_avg DOUBLE PRECISION NOT NULL,
    cpu_max DOUBLE PRECISION NOT NULL,
    memory_min DOUBLE PRECISION NOT NULL,
    memory_avg DOUBLE PRECISION NOT NULL,
    memory_max DOUBLE PRECISION NOT NULL,
    -- Samples in which the player count was known (RCON was up).
    players_samples INTEGER NOT NULL,
    players_min DOUBLE PRECISION,
    players_avg DOUBLE PRECISION,
    players_max DOUBLE PRECISION,
    disk_min DOUBLE PRECISION,
    disk_avg DOUBLE PRECISION,
    disk_max DOUBLE PRECISION,
    load_min DOUBLE PRECISION,
    load_avg DOUBLE PRECISION,
    load_max DOUBLE PRECISION
);
CREATE INDEX metric_points_series ON metric_points(server_id, resolution, at);
CREATE INDEX metric_points_age ON metric_points(resolution, at);

-- How far each coarser resolution has been built from the finer one.
CREATE TABLE metric_rollups (
    resolution INTEGER PRIMARY KEY NOT NULL,
    done_to TIMESTAMP NOT NULL
);
