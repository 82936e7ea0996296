-- Follow-up SLA by rep
-- For MQLs from start_date to end_date, per owner: MQLs, touched by the end of the as-of date,
-- within the region's target (wall-clock and business minutes), untouched past target (breaches),
-- ignored (no touch within sla.ignored_after_days days), and the median response in minutes.
-- Queue-owned MQLs show as "(queue)". Grain: one row per owner. Filters: region, owner or team (NULL = all).
WITH as_of_end AS (SELECT CAST(CAST($as_of AS DATE) + INTERVAL 1 DAY AS TIMESTAMP) AS end_at),
ignored_days AS (SELECT CAST(value AS INTEGER) AS days FROM cfg_setting WHERE key = 'ignored_after_days'),
m AS (
    SELECT f.*,
           CASE WHEN f.first_touch_at < (SELECT end_at FROM as_of_end) THEN f.response_minutes END AS wall,
           CASE WHEN f.first_touch_at < (SELECT end_at FROM as_of_end) THEN f.response_business_minutes END AS business,
           date_diff('second', f.mql_at, (SELECT end_at FROM as_of_end)) / 60.0 AS open_minutes
    FROM mql_followup f
    WHERE f.mql_date BETWEEN $start_date AND $end_date
      AND (CAST($region AS VARCHAR) IS NULL OR f.region = $region) AND owned_by(f.owner_id, CAST($owner AS VARCHAR))
)
SELECT
    CASE WHEN m.is_queue_owned THEN '(queue)' ELSE coalesce(u.user_name, m.owner_id) END AS owner,
    any_value(m.region) AS region,
    count(*) AS mqls,
    count(wall) AS touched,
    count(*) FILTER (WHERE wall <= target_minutes) AS within_target,
    count(*) FILTER (WHERE business <= target_minutes) AS within_target_business,
    count(*) FILTER (WHERE wall IS NULL AND open_minutes > target_minutes) AS breached_untouched,
    count(*) FILTER (WHERE (wall IS NULL AND open_minutes > (SELECT days FROM ignored_days) * 1440)
                        OR wall > (SELECT days FROM ignored_days) * 1440) AS ignored,
    count(*) FILTER (WHERE wall <= target_minutes)
        / nullif(count(*) FILTER (WHERE wall IS NOT NULL OR open_minutes > target_minutes), 0) AS compliance,
    median(wall) AS median_minutes
FROM m LEFT JOIN stg_users u ON u.user_id = m.owner_id
GROUP BY 1
ORDER BY ignored DESC, compliance NULLS LAST, owner
