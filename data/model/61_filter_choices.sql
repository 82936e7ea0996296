-- data_extent: the span of the data, in one place. data_through_at: the newest moment the export tells of
-- (export_moment, 22_snapshots.sql); it is the default as-of date. data_from: the oldest day anything
-- selectable happened (a lead, an MQL, a deal created or closed, a quota period).
CREATE TABLE data_extent AS
WITH firsts AS (
    SELECT min(created_date) AS d FROM stg_opportunities
    UNION ALL
    SELECT min(close_date) FROM stg_opportunities WHERE stage_category <> 'open'
    UNION ALL
    SELECT min(created_date) FROM stg_leads
    UNION ALL
    SELECT min(mql_date) FROM mql
    UNION ALL
    SELECT min(period_start_date) FROM stg_quotas
)

SELECT
    (SELECT data_through_at FROM export_moment) AS data_through_at,
    least((SELECT min(d) FROM firsts), cast((SELECT data_through_at FROM export_moment) AS DATE)) AS data_from;

-- filter_quarter, filter_choice: the choices the dashboard's global filters offer, computed once per load
-- (every page needs them; they do not change until the next load). Quarters: every fiscal quarter from
-- data_from to data_through_at.
CREATE TABLE filter_quarter AS
WITH bounds AS (
    SELECT coalesce(data_from, current_date) AS lo, coalesce(cast(data_through_at AS DATE), current_date) AS hi
    FROM data_extent
),

quarters AS (
    SELECT DISTINCT fiscal_quarter_of(cast(d AS DATE)) AS quarter_start
    FROM bounds, unnest(generate_series(fiscal_quarter_of(lo), hi, INTERVAL 1 MONTH)) AS t (d)
    UNION
    SELECT fiscal_quarter_of(hi) FROM bounds
)

SELECT
    quarter_start,
    fiscal_quarter_end(quarter_start) AS quarter_end,
    'FY' || cast(year(
        quarter_start) + CASE WHEN fy_start_month() > 1 AND month(quarter_start) >= fy_start_month()
            THEN 1
        ELSE 0
    END AS VARCHAR)
    || ' Q' || cast((month(quarter_start) - fy_start_month() + 12) % 12 // 3 + 1 AS VARCHAR) AS label,
    (SELECT hi FROM bounds) AS data_through
FROM quarters
ORDER BY quarter_start DESC;

CREATE TABLE filter_choice AS
SELECT 'region' AS kind, region AS value, region AS label, position FROM cfg_region
UNION ALL
SELECT 'segment', segment AS value, segment AS label, position FROM cfg_segment
UNION ALL
SELECT
    'owner', u.user_id,
    -- owners are keyed by Id; two people with the same name are told apart by their email (or Id)
    u.user_name
    || CASE WHEN count(*) OVER (PARTITION BY u.user_name) > 1 THEN ' <' || coalesce(u.email, u.user_id) || '>' ELSE '' END
    || CASE WHEN EXISTS (SELECT 1 FROM stg_users r WHERE r.manager_id = u.user_id) THEN ' (team)' ELSE '' END,
    row_number() OVER (ORDER BY u.user_name, u.user_id)
FROM stg_users u
WHERE u.is_sales OR u.user_id IN (
        SELECT owner_id FROM stg_opportunities
        UNION
        SELECT owner_id FROM stg_quotas
    )
UNION ALL
SELECT 'currency', currency_code AS value, currency_code AS label, row_number() OVER (ORDER BY currency_code)
FROM (SELECT DISTINCT currency_code FROM fx_daily) AS currencies
ORDER BY kind, position, value;
