-- Objects loaded
-- Summary: Each CRM object: loaded or missing, and what a missing one disables.
-- Per CRM object in the last load: files, records read, rejected, excluded as deleted or as exact
-- duplicates, and loaded into the canonical model. A missing object says what it disables.
-- Grain: one row per CRM object the product reads.
SELECT
    object,
    status,
    files,
    records_read,
    records_rejected,
    records_deleted,
    records_duplicate,
    records_loaded,
    CASE WHEN status = 'missing' THEN disables END AS missing_disables
FROM ingest_table
ORDER BY status DESC, records_read DESC, object
