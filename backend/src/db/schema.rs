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
        pid_exe -> Nullable<Text>,
        started_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
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
    }
}

diesel::joinable!(server_events -> servers (server_id));
diesel::allow_tables_to_appear_in_same_query!(servers, server_events);
