-- opportunity_state: each opportunity's stage, amount and close date over time, as versions valid from
-- valid_from (inclusive) to valid_to (exclusive; NULL = still so), so that any as-of date reads a deal
-- as it stood at the end of that day: nothing created after it, and a deal closed later still open.
-- With stage history (OpportunityHistory): one version per day with a logged change (the day's last
-- change wins); the first version starts at creation; the current record is the last version (it also
-- carries changes the history did not log). Without history, the deal is as it is now from its creation.
-- Either way, a deal closed now whose last known state was open counts as open until its close date.
-- With two or more snapshots (22_snapshots.sql, several loads of dated exports): from the first snapshot's
-- day on, the snapshots say how each deal stood (a snapshot's day: its last snapshot wins); before it,
-- stage history, else the deal as the first snapshot saw it (not as it is now), by the close-date rule
-- above. A deal first seen in a later snapshot exists from its creation (at the earliest the first
-- snapshot's day).
-- forecast_category: the export's ForecastCategoryName (stage history does not log it: before the snapshots,
-- as first seen, else the current one); forecast_group: its group by the definitions ([forecast_categories]).
-- state_source: 'snapshot' for a state a snapshot saw, 'history' when the export has stage history for
-- the deal, else 'close_date'.
-- Every version also carries the deal's own fields as exported now (name, account, owner, region, segment,
-- created, source, campaign, type, probability, currency): filters use each deal's current owner and region.
-- Every version's deal is in stg_opportunities (the versions are built from it), so the join keeps them all.
CREATE TABLE opportunity_state AS
WITH snapshot_span AS (
    SELECT min(cast(as_of AS DATE)) AS first_day, count(DISTINCT cast(as_of AS DATE)) AS days FROM snapshot_load
),

first_seen AS (
    -- with several snapshots, a deal without stage history as the first snapshot saw it
    SELECT * EXCLUDE (rn) FROM (
        SELECT s.*, row_number() OVER (PARTITION BY s.opportunity_id ORDER BY s.as_of) AS rn
        FROM snapshot_opportunity s
        WHERE (SELECT days FROM snapshot_span) >= 2
            AND s.opportunity_id NOT IN (SELECT opportunity_id FROM stg_opportunity_stage_history)
    ) AS ranked WHERE rn = 1 AND is_present
),

record AS (
    -- the record the versions before the snapshots start from: as first seen, else as exported now
    SELECT
        o.opportunity_id, o.created_date,
        CASE WHEN f.opportunity_id IS NULL THEN o.stage_name ELSE f.stage_name END AS stage_name,
        CASE WHEN f.opportunity_id IS NULL THEN o.stage_category ELSE f.stage_category END AS stage_category,
        CASE WHEN f.opportunity_id IS NULL THEN o.amount ELSE f.amount END AS amount,
        CASE WHEN f.opportunity_id IS NULL THEN o.close_date ELSE f.close_date END AS close_date,
        CASE WHEN f.opportunity_id IS NULL THEN o.forecast_category ELSE f.forecast_category END AS forecast_category
    FROM stg_opportunities o
    LEFT JOIN first_seen f ON f.opportunity_id = o.opportunity_id
),

history_day AS (
    SELECT * EXCLUDE (rn) FROM (
        SELECT
            h.opportunity_id, greatest(cast(h.changed_at AS DATE), o.created_date) AS day, h.stage_name,
            coalesce(h.amount, o.amount) AS amount, coalesce(h.close_date, o.close_date) AS close_date,
            row_number() OVER (
                PARTITION BY h.opportunity_id, greatest(cast(h.changed_at AS DATE), o.created_date)
                ORDER BY h.changed_at DESC, h.opportunity_history_id DESC
            ) AS rn
        FROM stg_opportunity_stage_history h
        JOIN stg_opportunities o ON o.opportunity_id = h.opportunity_id
        WHERE h.changed_at IS NOT NULL
    ) AS ranked WHERE rn = 1
),

history_version AS (
    SELECT
        d.opportunity_id,
        CASE WHEN row_number() OVER w = 1 THEN coalesce(o.created_date, d.day) ELSE d.day END AS valid_from,
        lead(d.day) OVER w AS valid_to,
        d.stage_name,
        coalesce(st.stage_category, CASE WHEN d.stage_name = o.stage_name THEN o.stage_category END, 'open')
            AS stage_category,
        d.amount, d.close_date, o.forecast_category
    FROM history_day d
    JOIN stg_opportunities o ON o.opportunity_id = d.opportunity_id
    LEFT JOIN cfg_stage st ON st.stage_name = d.stage_name
    WINDOW w AS (PARTITION BY d.opportunity_id ORDER BY d.day)
),

current_version AS (
    -- the record as exported, from its last logged change (or its creation) on
    SELECT
        o.opportunity_id,
        coalesce(h.valid_from, o.created_date, o.close_date, DATE '1900-01-01') AS valid_from,
        o.stage_name, o.stage_category, o.amount, o.close_date, o.forecast_category,
        h.opportunity_id IS NOT NULL AS has_history,
        h.stage_name AS logged_stage, coalesce(h.stage_category, 'open') AS logged_category
    FROM record o
    LEFT JOIN history_version h ON h.opportunity_id = o.opportunity_id AND h.valid_to IS NULL
),

split AS (
    -- closed now, open as last known, close date later: open until the close date, closed from it
    SELECT *, stage_category <> 'open' AND logged_category = 'open' AND close_date > valid_from AS closes_later
    FROM current_version
),

derived AS (
    SELECT
        opportunity_id, valid_from, valid_to, stage_name, stage_category, amount, close_date, forecast_category,
        'history' AS state_source
    FROM history_version WHERE valid_to IS NOT NULL
    UNION ALL
    SELECT
        opportunity_id, valid_from, CASE WHEN closes_later THEN close_date END,
        CASE WHEN closes_later THEN logged_stage ELSE stage_name END,
        CASE WHEN closes_later THEN 'open' ELSE stage_category END,
        amount, close_date, forecast_category, CASE WHEN has_history THEN 'history' ELSE 'close_date' END
    FROM split
    UNION ALL
    SELECT
        opportunity_id, close_date AS valid_from, NULL AS valid_to, stage_name, stage_category, amount, close_date,
        forecast_category, CASE WHEN has_history THEN 'history' ELSE 'close_date' END
    FROM split WHERE closes_later
),

snapshot_day AS (
    SELECT * FROM (
        SELECT
            s.*, cast(s.as_of AS DATE) AS day,
            row_number() OVER (PARTITION BY s.opportunity_id, cast(s.as_of AS DATE) ORDER BY s.as_of DESC) AS rn
        FROM snapshot_opportunity s
        WHERE (SELECT days FROM snapshot_span) >= 2
    ) AS ranked WHERE rn = 1
),

snapshot_version AS (
    SELECT
        d.opportunity_id,
        CASE
            WHEN row_number() OVER w = 1 THEN least(d.day, greatest(o.created_date, sp.first_day)) ELSE d.day
        END AS valid_from,
        lead(d.day) OVER w AS valid_to,
        d.is_present, d.stage_name, d.stage_category, d.amount, d.close_date, d.forecast_category
    FROM snapshot_day d
    JOIN stg_opportunities o ON o.opportunity_id = d.opportunity_id
    CROSS JOIN snapshot_span sp
    WINDOW w AS (PARTITION BY d.opportunity_id ORDER BY d.day)
),

versions AS (
    SELECT
        v.opportunity_id, v.valid_from,
        CASE WHEN sp.days >= 2 AND coalesce(v.valid_to > sp.first_day, TRUE) THEN sp.first_day ELSE v.valid_to END
            AS valid_to,
        v.stage_name, v.stage_category, v.amount, v.close_date, v.forecast_category, v.state_source
    FROM derived v CROSS JOIN snapshot_span sp
    WHERE sp.days < 2 OR v.valid_from < sp.first_day
    UNION ALL
    SELECT
        opportunity_id, valid_from, valid_to, stage_name, stage_category, amount, close_date, forecast_category,
        'snapshot'
    FROM snapshot_version WHERE is_present
)

SELECT
    v.*, fc.forecast_group,
    -- the deal's own fields, on every version: deals_at filters and reads one table, not a join per call
    o.opportunity_name, o.account_id, o.owner_id, o.region, o.segment, o.created_at, o.created_date, o.lead_source,
    o.is_marketing_lead_source, o.campaign_id, o.opportunity_type, o.probability, o.currency_code
FROM versions v
JOIN stg_opportunities o ON o.opportunity_id = v.opportunity_id
LEFT JOIN cfg_forecast_category fc ON fc.name_lower = lower(trim(v.forecast_category))
-- stored by creation date: a period's pipeline (created from .. to) reads only its part of the table
ORDER BY o.created_date, v.opportunity_id, v.valid_from;
