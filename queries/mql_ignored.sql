-- Ignored MQLs
-- Summary: MQLs no salesperson touched within the 'ignored' threshold.
-- MQLs from start_date to end_date with no human sales touch within sla.ignored_after_days days
-- (judged at the end of the as-of date; a touch after that counts as late, not as ignored): who,
-- since when, who owns them, and how long they waited. Grain: one row per MQL, newest first, at
-- most 200. Filters: region, segment, owner or team (NULL = all).
SELECT
    m.person_id,
    m.person_name AS person,
    m.company,
    m.region,
    CASE WHEN m.is_queue_owned THEN '(queue)' ELSE coalesce(u.user_name, m.owner_id) END AS owner,
    m.mql_at,
    cp.campaign_name AS hand_raise_campaign,
    CASE WHEN m.wall IS NOT NULL THEN m.first_touch_at END AS first_touch_at,
    round(coalesce(m.wall, m.open_minutes) / 1440.0, 1) AS days_waiting
FROM mqls_judged($start_date, $end_date, $as_of, $region, $segment, $owner) m
LEFT JOIN stg_users u ON u.user_id = m.owner_id
LEFT JOIN stg_campaigns cp ON cp.campaign_id = m.campaign_id
WHERE m.is_ignored
ORDER BY m.mql_at DESC, m.person_id  -- person_id: MQLs at the same moment always in the same order
LIMIT 200
