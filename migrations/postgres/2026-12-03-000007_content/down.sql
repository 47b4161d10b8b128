ALTER TABLE servers DROP COLUMN restart_required;
DROP TABLE content_files;
DROP TABLE server_mods;
DROP TABLE mods;
