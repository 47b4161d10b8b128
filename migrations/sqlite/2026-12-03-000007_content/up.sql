-- Mods registered in the library: a folder under the configured mods root.
CREATE TABLE mods (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    -- The folder's name under mods_root, e.g. @ace.
    folder TEXT NOT NULL UNIQUE,
    workshop_id TEXT,
    description TEXT,
    size_bytes BIGINT NOT NULL,
    -- JSON array of the .bikey files found, relative to the mod folder.
    keys TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Each server's ordered mod set; a mod in use cannot be deleted.
CREATE TABLE server_mods (
    server_id INTEGER NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    mod_id INTEGER NOT NULL REFERENCES mods(id),
    position INTEGER NOT NULL,
    server_only BOOLEAN NOT NULL,
    PRIMARY KEY (server_id, mod_id)
);
CREATE INDEX server_mods_mod ON server_mods(mod_id);

-- Who uploaded each content file (missions, maps, datapacks) and when.
CREATE TABLE content_files (
    server_id INTEGER NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (server_id, file_name)
);

-- Set when mods or the mission rotation change while the server runs; cleared by a start.
ALTER TABLE servers ADD COLUMN restart_required BOOLEAN NOT NULL DEFAULT false;

-- Mods are now chosen from the library per server rather than typed into the config.
UPDATE servers SET config = json_remove(config, '$.mods', '$.server_mods') WHERE game = 'arma3';
