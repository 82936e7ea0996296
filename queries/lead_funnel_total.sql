-- Lead funnel, all regions together
-- Summary: Leads and MQLs this quarter and how far they got: handed off, accepted, converted, won.
-- The totals of Lead funnel over every region in view, from the same blocks (leads_in_period, mql_funnel):
-- leads created from start_date to end_date (up to the as-of date); MQLs of the period; handed off (owned
-- by a sales user, not a queue); accepted (a human sales touch by the end of the as-of date); converted
-- (the lead became an opportunity by then); won (that opportunity won by then); accepted share of MQLs.
-- Grain: one row. Filters: region, segment, owner or team (NULL = all).
WITH leads AS (
    SELECT count(*) AS leads FROM leads_in_period($start_date, $end_date, $as_of, $region, $segment, $owner)
),

mqls AS (
    SELECT
        count(*) AS mqls,
        count(*) FILTER (WHERE is_handed_off) AS handed_off,
        count(*) FILTER (WHERE is_accepted) AS accepted,
        count(*) FILTER (WHERE is_converted) AS converted,
        count(*) FILTER (WHERE is_won) AS won
    FROM mql_funnel($start_date, $end_date, $as_of, $region, $segment, $owner)
)

SELECT
    l.leads, m.mqls, m.handed_off, m.accepted, m.converted, m.won,
    m.accepted / nullif(m.mqls, 0) AS accepted_share
FROM leads l CROSS JOIN mqls m
