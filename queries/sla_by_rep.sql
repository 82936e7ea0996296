-- Follow-up SLA by rep
-- Summary: How fast each salesperson follows up the MQLs they own.
-- For MQLs from start_date to end_date (up to the as-of date), per owner: MQLs, touched by the end of the
-- as-of date, within the region's target (wall-clock and business minutes), untouched past target
-- (breaches), ignored (no touch within sla.ignored_after_days days), and the median response in minutes.
-- Owners are told apart by Id (two reps may share a name); queue-owned MQLs show as one "(queue)" row.
-- Grain: one row per owner. Filters: region, segment, owner or team (NULL = all).
WITH m AS (
    SELECT j.*, CASE WHEN j.is_queue_owned THEN NULL ELSE j.owner_id END AS owner_key
    FROM mqls_judged($start_date, $end_date, $as_of, $region, $segment, $owner) j
)

SELECT
    CASE WHEN m.owner_key IS NULL THEN '(queue)' ELSE coalesce(any_value(u.user_name), m.owner_key) END AS owner,
    min(m.region) AS region,  -- one value on every engine: the queue row may hold MQLs of several regions
    count(*) AS mqls,
    count(wall) AS touched,
    count(*) FILTER (WHERE wall_ok) AS within_target,
    count(*) FILTER (WHERE business_ok) AS within_target_business,
    count(*) FILTER (WHERE wall IS NULL AND wall_ok = FALSE) AS breached_untouched,
    count(*) FILTER (WHERE is_ignored) AS ignored,
    count(*) FILTER (WHERE wall_ok) / nullif(count(wall_ok), 0) AS compliance,
    median(wall) AS median_minutes,
    m.owner_key AS owner_id
FROM m LEFT JOIN stg_users u ON u.user_id = m.owner_key
GROUP BY m.owner_key
ORDER BY ignored DESC, compliance NULLS LAST, owner, owner_id
