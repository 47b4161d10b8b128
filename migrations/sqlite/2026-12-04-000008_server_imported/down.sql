ALTER TABLE servers DROP COLUMN imported;
