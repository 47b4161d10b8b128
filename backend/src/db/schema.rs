//! Hand-written schema shared by both backends: portable column types only.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        refresh_hash -> Text,
        previous_hash -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        role -> Text,
        token_hash -> Text,
        prefix -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        created_at -> Timestamp,
        request_id -> Text,
        actor_kind -> Text,
        actor_id -> Nullable<BigInt>,
        actor_name -> Nullable<Text>,
        ip -> Nullable<Text>,
        method -> Text,
        path -> Text,
        status -> Integer,
        summary -> Nullable<Text>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, sessions, api_tokens, audit_log);

diesel::table! {
    servers (id) {
        id -> BigInt,
        name -> Text,
        game -> Text,
        executable -> Text,
        game_port -> Integer,
        directory -> Text,
        config -> Text,
        secrets -> Text,
        auto_restart -> Bool,
        max_restarts -> Integer,
        restart_window_secs -> Integer,
        stop_timeout_secs -> Integer,
        state -> Text,
        pid -> Nullable<BigInt>,
        pid_start_ticks -> Nullable<BigInt>,
        pid_boot_id -> Nullable<Text>,
        started_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        restart_required -> Bool,
        imported -> Nullable<Text>,
    }
}

diesel::table! {
    server_events (id) {
        id -> BigInt,
        server_id -> BigInt,
        created_at -> Timestamp,
        kind -> Text,
        message -> Text,
        detail -> Nullable<Text>,
        actor_kind -> Nullable<Text>,
        actor_id -> Nullable<BigInt>,
        actor_name -> Nullable<Text>,
    }
}

diesel::joinable!(server_events -> servers (server_id));
diesel::allow_tables_to_appear_in_same_query!(servers, server_events);

diesel::table! {
    players (id) {
        id -> BigInt,
        kind -> Text,
        identity -> Text,
        name -> Text,
        steam_name -> Nullable<Text>,
        avatar_url -> Nullable<Text>,
        profile_url -> Nullable<Text>,
        steam_checked_at -> Nullable<Timestamp>,
        first_seen -> Timestamp,
        last_seen -> Timestamp,
    }
}

diesel::table! {
    player_names (id) {
        id -> BigInt,
        player_id -> BigInt,
        name -> Text,
        first_seen -> Timestamp,
        last_seen -> Timestamp,
    }
}

diesel::table! {
    player_sessions (id) {
        id -> BigInt,
        server_id -> BigInt,
        player_id -> BigInt,
        name -> Text,
        ip -> Nullable<Text>,
        joined_at -> Timestamp,
        left_at -> Nullable<Timestamp>,
        ping_min -> Nullable<Integer>,
        ping_max -> Nullable<Integer>,
    }
}

diesel::table! {
    live_states (id) {
        id -> BigInt,
        server_id -> BigInt,
        players -> Integer,
        max_players -> Nullable<Integer>,
        bots -> Integer,
        map -> Nullable<Text>,
        hibernating -> Bool,
        first_seen -> Timestamp,
        last_seen -> Timestamp,
    }
}

diesel::table! {
    bans (id) {
        id -> BigInt,
        player_id -> BigInt,
        server_id -> Nullable<BigInt>,
        reason -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        lifted_at -> Nullable<Timestamp>,
        lifted_by -> Nullable<Text>,
    }
}

diesel::table! {
    ban_enforcements (id) {
        id -> BigInt,
        ban_id -> BigInt,
        server_id -> BigInt,
        applied_at -> Timestamp,
        lift_pending -> Bool,
    }
}

diesel::table! {
    log_entries (id) {
        id -> BigInt,
        server_id -> BigInt,
        source -> Text,
        logged_at -> Timestamp,
        game_time -> Nullable<Text>,
        level -> Text,
        kind -> Text,
        message -> Text,
        line -> Text,
    }
}

diesel::table! {
    log_cursors (server_id, source) {
        server_id -> BigInt,
        source -> Text,
        path -> Text,
        device -> BigInt,
        inode -> BigInt,
        read_to -> BigInt,
    }
}

diesel::table! {
    metric_points (id) {
        id -> BigInt,
        server_id -> Nullable<BigInt>,
        resolution -> Integer,
        at -> Timestamp,
        samples -> Integer,
        cpu_min -> Double,
        cpu_avg -> Double,
        cpu_max -> Double,
        memory_min -> Double,
        memory_avg -> Double,
        memory_max -> Double,
        players_samples -> Integer,
        players_min -> Nullable<Double>,
        players_avg -> Nullable<Double>,
        players_max -> Nullable<Double>,
        disk_min -> Nullable<Double>,
        disk_avg -> Nullable<Double>,
        disk_max -> Nullable<Double>,
        load_min -> Nullable<Double>,
        load_avg -> Nullable<Double>,
        load_max -> Nullable<Double>,
    }
}

diesel::table! {
    metric_rollups (resolution) {
        resolution -> Integer,
        done_to -> Timestamp,
    }
}

diesel::table! {
    mods (id) {
        id -> BigInt,
        name -> Text,
        folder -> Text,
        workshop_id -> Nullable<Text>,
        description -> Nullable<Text>,
        size_bytes -> BigInt,
        keys -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    server_mods (server_id, mod_id) {
        server_id -> BigInt,
        mod_id -> BigInt,
        position -> Integer,
        server_only -> Bool,
    }
}

diesel::table! {
    content_files (server_id, file_name) {
        server_id -> BigInt,
        file_name -> Text,
        size_bytes -> BigInt,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::joinable!(log_entries -> servers (server_id));
diesel::joinable!(server_mods -> servers (server_id));
diesel::joinable!(server_mods -> mods (mod_id));
diesel::joinable!(content_files -> servers (server_id));
diesel::joinable!(metric_points -> servers (server_id));
diesel::joinable!(player_names -> players (player_id));
diesel::joinable!(player_sessions -> players (player_id));
diesel::joinable!(player_sessions -> servers (server_id));
diesel::joinable!(live_states -> servers (server_id));
diesel::joinable!(bans -> players (player_id));
diesel::joinable!(bans -> servers (server_id));
diesel::joinable!(ban_enforcements -> bans (ban_id));
diesel::allow_tables_to_appear_in_same_query!(
    players,
    player_names,
    player_sessions,
    live_states,
    bans,
    ban_enforcements,
    log_entries,
    metric_points,
    mods,
    server_mods,
    content_files,
    servers
);
