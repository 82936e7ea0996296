-- Rejected records
-- Summary: Records refused by a check, with the column and value at fault.
-- Records left out of the load because a value could not be read (only when the configuration's
-- ingest.max_rejected_rows allows some): file, record number, column, value and the reason.
-- Grain: one row per rejected value.
SELECT object, file_name, record, column_name, value, message
FROM ingest_reject
ORDER BY file_name, record
