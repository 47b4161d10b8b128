-- Every line a managed server wrote to its log, parsed by its game's adapter.
CREATE TABLE log_entries (
    id BIGSERIAL PRIMARY KEY,
    server_id BIGINT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    -- 'console' (the captured stdout/stderr) or 'game' (the game's own log file).
    source TEXT NOT NULL,
    -- When Languard read the line (games print a wall-clock time without a date or zone).
    logged_at TIMESTAMP NOT NULL,
    -- The time as the game printed it, when it did.
    game_time TEXT,
    level TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    line TEXT NOT NULL
);
CREATE INDEX log_entries_server ON log_entries(server_id, id);
CREATE INDEX log_entries_logged_at ON log_entries(logged_at);

-- How far each followed file has been stored, so a restarted panel neither re-reads nor skips.
CREATE TABLE log_cursors (
    server_id BIGINT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    device BIGINT NOT NULL,
    inode BIGINT NOT NULL,
    read_to BIGINT NOT NULL,
    PRIMARY KEY (server_id, source)
);
