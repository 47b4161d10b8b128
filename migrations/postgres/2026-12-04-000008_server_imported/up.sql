-- What was read from an existing install when the server was registered (JSON), if anything.
ALTER TABLE servers ADD COLUMN imported TEXT;
