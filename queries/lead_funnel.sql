-- Lead funnel
-- Summary: Leads and MQLs this quarter and how far they got: handed off, accepted, converted, won.
-- From start_date to end_date (up to the as-of date): leads created; MQLs (people whose MQL moment falls
-- in the period); handed off (MQLs owned by a sales user, not a queue); accepted (MQLs with a human sales
-- touch by the end of the as-of date); converted (MQLs whose lead became an opportunity by the as-of date);
-- won (of those, won by then).
-- Grain: one row per region. Filters: region, segment, owner or team (NULL = all).
WITH leads AS (
    SELECT region, count(*) AS leads
    FROM leads_in_period($start_date, $end_date, $as_of, $region, $segment, $owner)
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
    FROM mql_funnel($start_date, $end_date, $as_of, $region, $segment, $owner) m
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
FROM leads l FULL OUTER JOIN mqls q ON q.region IS NOT DISTINCT FROM l.region
ORDER BY region
