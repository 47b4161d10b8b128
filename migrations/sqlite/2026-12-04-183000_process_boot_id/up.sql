-- A process is recognised by its PID and start time alone: the program it runs may change
-- (a launcher script execs the game). Start times count from boot, so the boot they belong
-- to is recorded instead (/proc/sys/kernel/random/boot_id); the old program paths go.
ALTER TABLE servers RENAME COLUMN pid_exe TO pid_boot_id;
UPDATE servers SET pid_boot_id = NULL;
