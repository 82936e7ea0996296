-- Lead funnel
-- From start_date to end_date: leads created; MQLs (people whose MQL moment falls in the period);
-- handed off (MQLs owned by a sales user, not a queue); accepted (MQLs with a human sales touch by
-- the end of the as-of date); converted (MQLs whose lead became an opportunity); won (of those, won).
-- Grain: one row per region. Filters: region, owner or team (NULL = all).
WITH leads AS (
    SELECT region, count(*) AS leads FROM stg_leads
    WHERE CAST(created_at AS DATE) BETWEEN $start_date AND $end_date
      AND (CAST($region AS VARCHAR) IS NULL OR region = $region) AND owned_by(owner_id, CAST($owner AS VARCHAR))
    GROUP BY region
),
mqls AS (
    SELECT
        m.region,
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
    GROUP BY m.region
)
SELECT
    coalesce(l.region, q.region) AS region,
    coalesce(l.leads, 0) AS leads,
    coalesce(q.mqls, 0) AS mqls,
    coalesce(q.handed_off, 0) AS handed_off,
    coalesce(q.accepted, 0) AS accepted,
    coalesce(q.converted, 0) AS converted,
    coalesce(q.won, 0) AS won
FROM leads l FULL OUTER JOIN mqls q ON q.region = l.region
ORDER BY region
