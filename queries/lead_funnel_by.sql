-- Lead funnel by dimension
-- Summary: The lead funnel split by lead source, hand-raise channel, persona or region.
-- The lead funnel (see Lead funnel) split by one dimension, chosen by the `dimension` parameter:
-- "source" (lead source), "channel" (channel of the hand-raise campaign), "persona" (from the
-- title, by the personas definitions) or "region". Leads created and MQLs in the period (up to the as-of date).
-- Grain: one row per value of the dimension. Filters: region, segment, owner or team (NULL = all).
WITH leads AS (
    SELECT
        CASE $dimension WHEN 'source' THEN lead_source WHEN 'persona' THEN persona WHEN 'region' THEN region
            WHEN 'channel' THEN NULL
        END AS value,
        count(*) AS leads
    FROM leads_in_period($start_date, $end_date, $as_of, $region, $segment, $owner)
    GROUP BY value
),

mqls AS (
    SELECT
        CASE $dimension WHEN 'source' THEN m.lead_source WHEN 'persona' THEN m.persona WHEN 'region' THEN m.region
            WHEN 'channel' THEN m.channel
        END AS value,
        count(*) AS mqls,
        count(*) FILTER (WHERE m.is_handed_off) AS handed_off,
        count(*) FILTER (WHERE m.is_accepted) AS accepted,
        count(*) FILTER (WHERE m.is_converted) AS converted,
        count(*) FILTER (WHERE m.is_won) AS won
    FROM mql_funnel($start_date, $end_date, $as_of, $region, $segment, $owner) m
    GROUP BY value
)

SELECT
    coalesce(l.value, q.value, '(none)') AS value, coalesce(l.leads, 0) AS leads, coalesce(q.mqls, 0) AS mqls,
    coalesce(q.handed_off, 0) AS handed_off, coalesce(q.accepted, 0) AS accepted,
    coalesce(q.converted, 0) AS converted, coalesce(q.won, 0) AS won
FROM leads l FULL OUTER JOIN mqls q ON q.value IS NOT DISTINCT FROM l.value
WHERE $dimension IN ('source', 'persona', 'region', 'channel')
ORDER BY mqls DESC, leads DESC, value
