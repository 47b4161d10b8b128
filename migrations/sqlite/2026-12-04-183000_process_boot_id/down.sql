UPDATE servers SET pid_boot_id = NULL;
ALTER TABLE servers RENAME COLUMN pid_boot_id TO pid_exe;
