-- Follow-up SLA by week
-- For MQLs from start_date to end_date, per week of the MQL (weeks start on Monday): MQLs, the
-- share touched within the region's target (untouched MQLs past target count as breaches, those
-- still within it are left out), and the median wall-clock response in minutes.
-- Grain: one row per region and week. Filters: region, owner or team (NULL = all).
WITH m AS (
    SELECT f.*,
           CASE WHEN f.first_touch_at < CAST($as_of AS DATE) + INTERVAL 1 DAY THEN f.response_minutes END AS wall,
           date_diff('second', f.mql_at, CAST(CAST($as_of AS DATE) + INTERVAL 1 DAY AS TIMESTAMP)) / 60.0 AS open_minutes
    FROM mql_followup f
    WHERE f.mql_date BETWEEN $start_date AND $end_date
      AND (CAST($region AS VARCHAR) IS NULL OR f.region = $region) AND owned_by(f.owner_id, CAST($owner AS VARCHAR))
)
SELECT
    region,
    CAST(date_trunc('week', mql_date) AS DATE) AS week_start,
    count(*) AS mqls,
    count(*) FILTER (WHERE wall <= target_minutes)
        / nullif(count(*) FILTER (WHERE wall IS NOT NULL OR open_minutes > target_minutes), 0) AS compliance,
    median(wall) AS median_minutes
FROM m
GROUP BY region, week_start
ORDER BY region, week_start
