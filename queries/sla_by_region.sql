-- Follow-up SLA by region
-- Summary: How fast sales follows up MQLs, region by region, against each region's target.
-- For MQLs from start_date to end_date: minutes from the MQL to the first human sales touch (a
-- call, email or meeting logged by a sales user; automated sends do not count), in wall-clock
-- minutes and in business minutes of the region's working hours and public holidays. An MQL is
-- within SLA when touched within the region's target; untouched, it is a breach once the target
-- has passed by the end of the as-of date (before that it is pending and left out of the rate).
-- Ignored: no touch within sla.ignored_after_days days. Touches after the as-of date are not seen.
-- Grain: one row per region. Filters: region, segment, owner or team (NULL = all).
WITH judged AS (SELECT * FROM mqls_judged($start_date, $end_date, $as_of, $region, $segment, $owner))

SELECT
    region,
    any_value(target_minutes) AS target_minutes,
    count(*) AS mqls,
    count(wall) AS touched,
    count(*) FILTER (WHERE wall_ok) AS within_target,
    count(*) FILTER (WHERE business_ok) AS within_target_business,
    count(*) FILTER (WHERE wall IS NULL AND wall_ok = FALSE) AS breached_untouched,
    count(*) FILTER (WHERE wall_ok IS NULL) AS pending,
    count(*) FILTER (WHERE is_ignored) AS ignored,
    count(*) FILTER (WHERE wall_ok) / nullif(count(wall_ok), 0) AS compliance,
    count(*) FILTER (WHERE business_ok) / nullif(count(business_ok), 0) AS compliance_business,
    median(wall) AS median_minutes,
    quantile_cont(wall, 0.9) AS p90_minutes,
    median(business) AS median_business_minutes,
    quantile_cont(business, 0.9) AS p90_business_minutes
FROM judged
GROUP BY region
ORDER BY region
