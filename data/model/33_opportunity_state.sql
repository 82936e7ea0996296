-- opportunity_state: each opportunity's stage, amount and close date over time, as versions valid from
-- valid_from (inclusive) to valid_to (exclusive; NULL = still so), so that any as-of date reads a deal
-- as it stood at the end of that day: nothing created after it, and a deal closed later still open.
-- With stage history (OpportunityHistory): one version per day with a logged change (the day's last
-- change wins); the first version starts at creation; the current record is the last version (it also
-- carries changes the history did not log). Without history, the deal is as it is now from its creation.
-- Either way, a deal closed now whose last known state was open counts as open until its close date.
-- state_source: 'history' when the export has stage history for the deal, else 'close_date'.
CREATE TABLE opportunity_state AS
WITH history_day AS (
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
        d.amount, d.close_date
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
        o.stage_name, o.stage_category, o.amount, o.close_date,
        h.opportunity_id IS NOT NULL AS has_history,
        h.stage_name AS logged_stage, coalesce(h.stage_category, 'open') AS logged_category
    FROM stg_opportunities o
    LEFT JOIN history_version h ON h.opportunity_id = o.opportunity_id AND h.valid_to IS NULL
),

split AS (
    -- closed now, open as last known, close date later: open until the close date, closed from it
    SELECT *, stage_category <> 'open' AND logged_category = 'open' AND close_date > valid_from AS closes_later
    FROM current_version
)

SELECT opportunity_id, valid_from, valid_to, stage_name, stage_category, amount, close_date, 'history' AS state_source
FROM history_version WHERE valid_to IS NOT NULL
UNION ALL
SELECT
    opportunity_id, valid_from, CASE WHEN closes_later THEN close_date END,
    CASE WHEN closes_later THEN logged_stage ELSE stage_name END,
    CASE WHEN closes_later THEN 'open' ELSE stage_category END,
    amount, close_date, CASE WHEN has_history THEN 'history' ELSE 'close_date' END
FROM split
UNION ALL
SELECT
    opportunity_id, close_date AS valid_from, NULL AS valid_to, stage_name, stage_category, amount, close_date,
    CASE WHEN has_history THEN 'history' ELSE 'close_date' END
FROM split WHERE closes_later
ORDER BY opportunity_id, valid_from;
