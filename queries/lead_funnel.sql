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
        count(*) FILTER (WHERE m.is_handed_off) AS handed_off,
        count(*) FILTER (WHERE m.is_accepted) AS accepted,
        count(*) FILTER (WHERE m.is_converted) AS converted,
        count(*) FILTER (WHERE m.is_won) AS won
    FROM mql_funnel($start_date, $end_date, $as_of, $region, $owner) m
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
