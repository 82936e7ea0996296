-- export_moment: when the export was taken: the time the load was given (--as-of-export, cfg_setting
-- export_as_of_given), else the newest moment the export tells of (a record created, a touch, an
-- activity, a logged stage change, or a deal closed, up to the day of the load). It is the default as-of
-- date (data_extent) and the time of the export's snapshot.
CREATE TABLE export_moment AS
WITH moments AS (
    SELECT max(created_at) AS t FROM stg_opportunities
    UNION ALL
    SELECT max(created_at) FROM stg_leads
    UNION ALL
    SELECT max(touched_at) FROM stg_campaign_members
    UNION ALL
    SELECT max(activity_at) FROM stg_activities
    UNION ALL
    SELECT max(changed_at) FROM stg_opportunity_stage_history WHERE changed_at <= now()::TIMESTAMP
    UNION ALL
    SELECT cast(max(close_date) AS TIMESTAMP) FROM stg_opportunities
    WHERE stage_category <> 'open' AND close_date <= current_date
)

SELECT
    coalesce(
        (SELECT cast(value AS TIMESTAMP) FROM cfg_setting WHERE key = 'export_as_of_given'), max(t)
    ) AS data_through_at
FROM moments;

-- Snapshots: every load keeps a compact dated picture of the deals and leads, kept across loads (the
-- load copies the live database's snapshots into each new version, data/ingest/snapshots.py) so that
-- "what changed since" can be told from plain exports. export_opportunity_snapshot and
-- export_lead_snapshot: what one snapshot holds, read from this export.
CREATE VIEW export_opportunity_snapshot AS
SELECT
    opportunity_id, stage_category, stage_name, amount, currency_code, close_date, owner_id, forecast_category,
    probability
FROM stg_opportunities;

CREATE VIEW export_lead_snapshot AS
SELECT lead_id, status, owner_id, is_converted FROM stg_leads;

-- snapshot_load: one row per stored snapshot: its time (as_of: --as-of-export, else the export's newest
-- moment), where that time came from, the export, when it was loaded, its records, and how many change
-- rows it holds (0 when it repeats the snapshot before it). cfg_setting export_as_of: the time of the
-- export the live tables were built from.
CREATE TABLE snapshot_load (
    as_of TIMESTAMP, as_of_source VARCHAR, source VARCHAR, loaded_at TIMESTAMP, opportunities BIGINT,
    leads BIGINT, opportunity_changes BIGINT, lead_changes BIGINT
);

-- snapshot_opportunity, snapshot_lead: change rows, not copies. A record has a row at a snapshot's
-- as_of only when it differs from the record in the snapshot before (or is new there); is_present =
-- false marks a record gone from the export from that snapshot on. A record's state in any snapshot is
-- its latest row at or before that snapshot's time (snapshot_opportunity_at, snapshot_lead_at).
CREATE TABLE snapshot_opportunity AS
SELECT opportunity_id, NULL::TIMESTAMP AS as_of, TRUE AS is_present, * EXCLUDE (opportunity_id)
FROM export_opportunity_snapshot WHERE FALSE;

CREATE TABLE snapshot_lead AS
SELECT lead_id, NULL::TIMESTAMP AS as_of, TRUE AS is_present, * EXCLUDE (lead_id)
FROM export_lead_snapshot WHERE FALSE;

-- snapshot_opportunity_at(p_at), snapshot_lead_at(p_at): every record as the latest snapshot at or
-- before the moment p_at saw it (records gone by then left out).
CREATE MACRO snapshot_opportunity_at(p_at) AS TABLE
    SELECT
        * EXCLUDE (is_present, rn) FROM (
        SELECT *, row_number() OVER (PARTITION BY opportunity_id ORDER BY as_of DESC) AS rn
        FROM snapshot_opportunity WHERE as_of <= p_at
    ) AS latest
    WHERE rn = 1 AND is_present;

CREATE MACRO snapshot_lead_at(p_at) AS TABLE
    SELECT
        * EXCLUDE (is_present, rn) FROM (
        SELECT *, row_number() OVER (PARTITION BY lead_id ORDER BY as_of DESC) AS rn
        FROM snapshot_lead WHERE as_of <= p_at
    ) AS latest
    WHERE rn = 1 AND is_present;
