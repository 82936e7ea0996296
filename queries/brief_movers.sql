-- Largest movers since the last 1:1
-- Summary: The deals created, won or lost since your last 1:1.
-- Deals created, won or lost between the `since` date (exclusive) and the as-of date (inclusive), as
-- they stood at the as-of date, largest first (reporting currency: created at the creation date, won
-- and lost at the close date; the same rules as Pipeline generated and Quota attainment).
-- Grain: one row per deal and event, at most 25. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH events AS (
    SELECT
        opportunity_id, opportunity_name, region, stage_name, owner_id, 'created' AS event, created_date AS event_date,
        amount_rep AS amount
    FROM pipeline_in_period(cast($since AS DATE) + 1, $as_of, $as_of, $currency, $region, $segment, $owner)
    UNION ALL
    SELECT opportunity_id, opportunity_name, region, stage_name, owner_id, stage_category, close_date, amount_rep
    FROM closed_in_period(cast($since AS DATE) + 1, $as_of, $as_of, $currency, $region, $segment, $owner)
)

SELECT
    e.event, e.event_date, e.opportunity_id, e.opportunity_name, e.region, e.stage_name, e.amount,
    u.user_name AS owner
FROM events e
LEFT JOIN stg_users u ON u.user_id = e.owner_id
ORDER BY e.amount DESC NULLS LAST, e.event_date, e.opportunity_id
LIMIT 25
