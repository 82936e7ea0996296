-- Lead funnel by dimension
-- The lead funnel (see Lead funnel) split by one dimension, chosen by the `dimension` parameter:
-- "source" (lead source), "channel" (channel of the hand-raise campaign), "persona" (from the
-- title, by the personas definitions) or "region". Leads created and MQLs in the period.
-- Grain: one row per value of the dimension. Filters: region, owner or team (NULL = all).
WITH leads AS (
    SELECT CASE $dimension WHEN 'source' THEN lead_source WHEN 'persona' THEN persona WHEN 'region' THEN region
                           WHEN 'channel' THEN NULL END AS value,
           count(*) AS leads
    FROM stg_leads
    WHERE CAST(created_at AS DATE) BETWEEN $start_date AND $end_date
      AND (CAST($region AS VARCHAR) IS NULL OR region = $region) AND owned_by(owner_id, CAST($owner AS VARCHAR))
    GROUP BY 1
),
mqls AS (
    SELECT CASE $dimension WHEN 'source' THEN m.lead_source WHEN 'persona' THEN m.persona WHEN 'region' THEN m.region
                           WHEN 'channel' THEN m.channel END AS value,
           count(*) AS mqls,
           count(*) FILTER (WHERE NOT m.is_queue_owned AND coalesce(u.is_sales, false)) AS handed_off,
           count(*) FILTER (WHERE m.first_touch_at < CAST($as_of AS DATE) + INTERVAL 1 DAY) AS accepted,
           count(o.opportunity_id) AS converted,
           count(*) FILTER (WHERE o.stage_category = 'won') AS won
    FROM mql m
    LEFT JOIN stg_users u ON u.user_id = m.owner_id
    LEFT JOIN stg_opportunities o ON o.opportunity_id = m.opportunity_id
    WHERE m.mql_date BETWEEN $start_date AND $end_date
      AND (CAST($region AS VARCHAR) IS NULL OR m.region = $region) AND owned_by(m.owner_id, CAST($owner AS VARCHAR))
    GROUP BY 1
)
SELECT coalesce(l.value, q.value, '(none)') AS value, coalesce(l.leads, 0) AS leads, coalesce(q.mqls, 0) AS mqls,
       coalesce(q.handed_off, 0) AS handed_off, coalesce(q.accepted, 0) AS accepted,
       coalesce(q.converted, 0) AS converted, coalesce(q.won, 0) AS won
FROM leads l FULL OUTER JOIN mqls q ON q.value IS NOT DISTINCT FROM l.value
WHERE $dimension IN ('source', 'persona', 'region', 'channel')
ORDER BY mqls DESC, leads DESC, value
