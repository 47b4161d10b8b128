CREATE TABLE servers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    game TEXT NOT NULL,
    executable TEXT NOT NULL,
    game_port INTEGER NOT NULL,
    directory TEXT NOT NULL,
    -- The adapter's validated config, as JSON text.
    config TEXT NOT NULL,
    -- RCON/game/admin passwords as encrypted JSON (never returned by the API).
    secrets TEXT NOT NULL,
    auto_restart BOOLEAN NOT NULL,
    max_restarts INTEGER NOT NULL,
    restart_window_secs INTEGER NOT NULL,
    stop_timeout_secs INTEGER NOT NULL,
    state TEXT NOT NULL,
    -- The running process: its PID and start time (clock ticks after boot, from /proc) let a
    -- restarted panel recognise it and tell it from a recycled PID.
    pid BIGINT,
    pid_start_ticks BIGINT,
    -- What /proc/<pid>/exe showed right after the start (a script shows its interpreter).
    pid_exe TEXT,
    started_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE server_events (
    id BIGSERIAL PRIMARY KEY,
    server_id BIGINT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX server_events_server_id ON server_events(server_id, id);
