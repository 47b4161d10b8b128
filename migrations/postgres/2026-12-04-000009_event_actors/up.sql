-- Who caused each server event: user, token, schedule or system (Languard itself), with the
-- id and name of the user, token or schedule. Events recorded before this have no actor (NULL).
ALTER TABLE server_events ADD COLUMN actor_kind TEXT;
ALTER TABLE server_events ADD COLUMN actor_id BIGINT;
ALTER TABLE server_events ADD COLUMN actor_name TEXT;
