-- Files read
-- Summary: Every export file read in the last load, with its size and records.
-- Every file of the export that was loaded: its object, part number, encoding, size, records read
-- and rejected, column count, and the columns kept only in the raw table (custom fields).
-- Grain: one row per file.
SELECT
    object,
    file_name,
    part,
    encoding,
    size_bytes,
    records_read,
    records_rejected,
    columns,
    array_to_string(unmapped_columns, ', ') AS raw_only_columns,
    modified_at
FROM ingest_file
ORDER BY object, part
