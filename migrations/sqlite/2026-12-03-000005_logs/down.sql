DROP TABLE log_cursors;
DROP TABLE log_entries;
