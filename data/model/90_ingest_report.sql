-- ingest_*: the load's own report, for the Data quality page. ingest_run: one row, the load (source,
-- when, data through, layout, currencies, the definitions file as loaded and its fingerprint);
-- ingest_file: every file read; ingest_table: every CRM object (loaded or missing, with what a missing one
-- disables); ingest_warning: problems that let the data load; ingest_reject: records set aside (only
-- when ingest.max_rejected_rows tolerates some). The load fills them once the model is built.
CREATE TABLE ingest_run (
    source VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, files_modified_at TIMESTAMP,
    data_through_at TIMESTAMP, layout VARCHAR, corporate_currency VARCHAR, reporting_currency VARCHAR,
    config_path VARCHAR, config_sha256 VARCHAR, config_text VARCHAR
);
CREATE TABLE ingest_file (
    object VARCHAR, file_name VARCHAR, part INTEGER, encoding VARCHAR, size_bytes BIGINT, records_read BIGINT,
    records_rejected BIGINT, columns INTEGER, unmapped_columns VARCHAR[], modified_at TIMESTAMP
);
CREATE TABLE ingest_table (
    object VARCHAR, raw_table VARCHAR, status VARCHAR, files INTEGER, records_read BIGINT, records_rejected BIGINT,
    records_deleted BIGINT, records_duplicate BIGINT, records_loaded BIGINT, disables VARCHAR
);
CREATE TABLE ingest_warning (
    code VARCHAR, object VARCHAR, message VARCHAR, count BIGINT, sample_ids VARCHAR[], advice VARCHAR
);
CREATE TABLE ingest_reject AS SELECT * FROM ingest_reject_rows;
