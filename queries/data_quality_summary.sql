-- Load summary
-- Summary: How many objects and records the last load read, rejected and left out.
-- The last successful load: where it came from, when it ran, how recent the data is, and the totals
-- of records read, loaded, rejected (bad rows, only when the configuration tolerates some) and
-- excluded (deleted in the CRM, or exact duplicates). Grain: one row.
SELECT
    r.source,
    r.started_at,
    r.finished_at,
    r.files_modified_at,
    r.data_through_at,
    r.layout,
    r.corporate_currency,
    r.reporting_currency,
    (SELECT count(*) FILTER (WHERE status = 'loaded') FROM ingest_table) AS objects_loaded,
    (SELECT count(*) FROM ingest_table) AS objects_known,
    (SELECT coalesce(sum(records_read), 0) FROM ingest_table) AS records_read,
    (SELECT coalesce(sum(records_loaded), 0) FROM ingest_table) AS records_loaded,
    (SELECT coalesce(sum(records_rejected), 0) FROM ingest_table) AS records_rejected,
    (SELECT coalesce(sum(records_deleted + records_duplicate), 0) FROM ingest_table) AS records_excluded,
    (SELECT count(*) FROM ingest_warning WHERE code <> 'missing_object') AS warnings
FROM ingest_run r
