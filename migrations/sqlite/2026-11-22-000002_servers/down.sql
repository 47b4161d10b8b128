DROP TABLE server_events;
DROP TABLE servers;
