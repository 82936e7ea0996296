-- filter_quarter, filter_choice: the choices the dashboard's global filters offer, computed once per load
-- (every page needs them; they do not change until the next load).
CREATE TABLE filter_quarter AS
WITH fy AS (SELECT CAST(value AS INTEGER) AS m FROM cfg_setting WHERE key = 'fiscal_year_start_month'),
bounds AS (
    SELECT coalesce(min(created_date), current_date) AS lo,
           coalesce((SELECT CAST(max(t) AS DATE) FROM (
               SELECT max(created_at) AS t FROM stg_opportunities UNION ALL SELECT max(created_at) FROM stg_leads
               UNION ALL SELECT max(touched_at) FROM stg_campaign_members UNION ALL SELECT max(activity_at) FROM stg_activities)),
               current_date) AS hi  -- the newest moment in the data, as the load report's data_through_at
    FROM stg_opportunities
),
quarters AS (
    SELECT DISTINCT fiscal_quarter_start(CAST(d AS DATE), (SELECT m FROM fy)) AS quarter_start
    FROM bounds, unnest(generate_series(lo, hi, INTERVAL 1 MONTH)) AS t(d)
    UNION SELECT fiscal_quarter_start(hi, (SELECT m FROM fy)) FROM bounds
)
SELECT
    quarter_start,
    CAST(quarter_start + INTERVAL 3 MONTH AS DATE) - 1 AS quarter_end,
    'FY' || CAST(year(quarter_start) + CASE WHEN (SELECT m FROM fy) > 1 AND month(quarter_start) >= (SELECT m FROM fy)
                                            THEN 1 ELSE 0 END AS VARCHAR)
        || ' Q' || CAST((month(quarter_start) - (SELECT m FROM fy) + 12) % 12 // 3 + 1 AS VARCHAR) AS label,
    (SELECT hi FROM bounds) AS data_through
FROM quarters
ORDER BY quarter_start DESC;

CREATE TABLE filter_choice AS
SELECT 'region' AS kind, region AS value, region AS label, position FROM cfg_region
UNION ALL
SELECT 'segment', segment, segment, position FROM cfg_segment
UNION ALL
SELECT 'owner', u.user_id,
       u.user_name || CASE WHEN EXISTS (SELECT 1 FROM stg_users r WHERE r.manager_id = u.user_id) THEN ' (team)' ELSE '' END,
       row_number() OVER (ORDER BY u.user_name)
FROM stg_users u WHERE u.is_sales
UNION ALL
SELECT 'currency', currency_code, currency_code, row_number() OVER (ORDER BY currency_code)
FROM (SELECT DISTINCT currency_code FROM fx_daily)
ORDER BY kind, position, value;
