-- Data freshness
-- When the data shown was last loaded, from where, and the newest moment it contains.
-- Grain: one row.
SELECT data_through_at, finished_at, source, reporting_currency FROM ingest_run
