ALTER TABLE server_events DROP COLUMN actor_name;
ALTER TABLE server_events DROP COLUMN actor_id;
ALTER TABLE server_events DROP COLUMN actor_kind;
