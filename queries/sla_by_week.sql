-- Follow-up SLA by week
-- Summary: Share of MQLs followed up within target, week by week.
-- For MQLs from start_date to end_date, per week of the MQL (weeks start on Monday): MQLs, the
-- share touched within the region's target (untouched MQLs past target count as breaches, those
-- still within it are left out), and the median wall-clock response in minutes.
-- Grain: one row per region and week. Filters: region, segment, owner or team (NULL = all).
WITH m AS (SELECT * FROM mqls_judged($start_date, $end_date, $as_of, $region, $segment, $owner))

SELECT
    region,
    cast(date_trunc('week', mql_date) AS DATE) AS week_start,
    count(*) AS mqls,
    count(*) FILTER (WHERE wall_ok) / nullif(count(wall_ok), 0) AS compliance,
    median(wall) AS median_minutes
FROM m
GROUP BY region, week_start
ORDER BY region, week_start
