-- Fiscal quarters
-- Every fiscal quarter from the first opportunity to the last day with data, newest first, with its
-- label (fiscal years named after the calendar year they end in, as FY2026 Q4) and the last day
-- with data, which is the default as-of date. Grain: one row per quarter.
WITH fy AS (SELECT CAST(value AS INTEGER) AS m FROM cfg_setting WHERE key = 'fiscal_year_start_month'),
bounds AS (
    SELECT coalesce(min(created_date), current_date) AS lo,
           coalesce((SELECT CAST(data_through_at AS DATE) FROM ingest_run), current_date) AS hi
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
ORDER BY quarter_start DESC
