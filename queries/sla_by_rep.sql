-- Follow-up SLA by rep
-- For MQLs from start_date to end_date, per owner: MQLs, touched by the end of the as-of date,
-- within the region's target (wall-clock and business minutes), untouched past target (breaches),
-- ignored (no touch within sla.ignored_after_days days), and the median response in minutes.
-- Queue-owned MQLs show as "(queue)". Grain: one row per owner. Filters: region, owner or team (NULL = all).
WITH m AS (SELECT * FROM mqls_judged($start_date, $end_date, $as_of, $region, $owner))
SELECT
    CASE WHEN m.is_queue_owned THEN '(queue)' ELSE coalesce(u.user_name, m.owner_id) END AS owner,
    any_value(m.region) AS region,
    count(*) AS mqls,
    count(wall) AS touched,
    count(*) FILTER (WHERE wall_ok) AS within_target,
    count(*) FILTER (WHERE business_ok) AS within_target_business,
    count(*) FILTER (WHERE wall IS NULL AND wall_ok = false) AS breached_untouched,
    count(*) FILTER (WHERE is_ignored) AS ignored,
    count(*) FILTER (WHERE wall_ok) / nullif(count(wall_ok), 0) AS compliance,
    median(wall) AS median_minutes
FROM m LEFT JOIN stg_users u ON u.user_id = m.owner_id
GROUP BY 1
ORDER BY ignored DESC, compliance NULLS LAST, owner
