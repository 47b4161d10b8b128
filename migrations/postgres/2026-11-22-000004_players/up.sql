-- Everyone ever seen on a managed server, keyed by the identity the game gives:
-- kind 'battleye' (BE GUID), 'steam' (SteamID64) or 'minecraft' (UUID).
CREATE TABLE players (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    identity TEXT NOT NULL,
    -- The in-game name last seen.
    name TEXT NOT NULL,
    -- Steam profile (persona name, avatar) when a Steam Web API key is configured.
    steam_name TEXT,
    avatar_url TEXT,
    profile_url TEXT,
    steam_checked_at TIMESTAMP,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    UNIQUE (kind, identity)
);
CREATE INDEX players_last_seen ON players(last_seen);

CREATE TABLE player_names (
    id BIGSERIAL PRIMARY KEY,
    player_id BIGINT NOT NULL REFERENCES players(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    UNIQUE (player_id, name)
);

-- One row per visit: open while left_at is NULL.
CREATE TABLE player_sessions (
    id BIGSERIAL PRIMARY KEY,
    server_id BIGINT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    player_id BIGINT NOT NULL REFERENCES players(id) ON DELETE CASCADE,
    -- The name used at join.
    name TEXT NOT NULL,
    ip TEXT,
    joined_at TIMESTAMP NOT NULL,
    left_at TIMESTAMP,
    ping_min INTEGER,
    ping_max INTEGER
);
CREATE INDEX player_sessions_server ON player_sessions(server_id, joined_at);
CREATE INDEX player_sessions_player ON player_sessions(player_id, joined_at);
CREATE INDEX player_sessions_open ON player_sessions(server_id, left_at);

-- Run-length encoded: a new row only when a value changes; otherwise last_seen moves.
CREATE TABLE live_states (
    id BIGSERIAL PRIMARY KEY,
    server_id BIGINT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    players INTEGER NOT NULL,
    max_players INTEGER,
    bots INTEGER NOT NULL,
    map TEXT,
    hibernating BOOLEAN NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL
);
CREATE INDEX live_states_server ON live_states(server_id, first_seen);

-- server_id NULL = a global ban: every server whose game uses the player's identity kind.
CREATE TABLE bans (
    id BIGSERIAL PRIMARY KEY,
    player_id BIGINT NOT NULL REFERENCES players(id) ON DELETE CASCADE,
    server_id BIGINT REFERENCES servers(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    -- NULL = permanent.
    expires_at TIMESTAMP,
    lifted_at TIMESTAMP,
    lifted_by TEXT
);
CREATE INDEX bans_player ON bans(player_id);

-- Where a ban was written into a game's own ban list, so lifting it reaches that game too
-- (at once when it runs, else when its RCON link comes up).
CREATE TABLE ban_enforcements (
    id BIGSERIAL PRIMARY KEY,
    ban_id BIGINT NOT NULL REFERENCES bans(id) ON DELETE CASCADE,
    server_id BIGINT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    applied_at TIMESTAMP NOT NULL,
    lift_pending BOOLEAN NOT NULL,
    UNIQUE (ban_id, server_id)
);
CREATE INDEX ban_enforcements_server ON ban_enforcements(server_id);
