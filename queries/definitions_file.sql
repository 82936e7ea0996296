-- Definitions file
-- Summary: The definitions file the data was loaded with.
-- The shared-definitions file (TOML) exactly as it was when the data was last loaded, where it
-- came from, and its fingerprint. Grain: one row.
SELECT config_path, config_sha256, config_text, finished_at AS loaded_at FROM ingest_run
