-- Schema version
-- Summary: Which version of the load built this database (the dashboard asks for a reload when it differs).
-- The schema version the load wrote into cfg_setting (data/store.py SCHEMA_VERSION at the time); a database
-- built by another version must be loaded again. Grain: one row.
SELECT value AS schema_version FROM cfg_setting WHERE key = 'schema_version'
