-- Largest movers since the last 1:1
-- Deals created, won or lost between the `since` date (exclusive) and the as-of date (inclusive),
-- largest first (reporting currency: created at the creation date, won and lost at the close date).
-- Grain: one row per deal and event, at most 25. Filters: region, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH events AS (
    SELECT o.opportunity_id, o.opportunity_name, o.region, o.stage_name, 'created' AS event, o.created_date AS event_date,
           convert_money(o.amount, fx.factor) AS amount
    FROM stg_opportunities o
    LEFT JOIN fx_conversion fx ON fx.from_currency = o.currency_code AND fx.to_currency = $currency
                              AND fx.rate_date = fx_day(rate_date('pipeline_generated', o.created_date, o.close_date, $as_of, $start_date))
    WHERE o.created_date > $since AND o.created_date <= $as_of
    UNION ALL
    SELECT o.opportunity_id, o.opportunity_name, o.region, o.stage_name, o.stage_category, o.close_date,
           convert_money(o.amount, fx.factor)
    FROM stg_opportunities o
    LEFT JOIN fx_conversion fx ON fx.from_currency = o.currency_code AND fx.to_currency = $currency
                              AND fx.rate_date = fx_day(rate_date('won_lost', o.created_date, o.close_date, $as_of, $start_date))
    WHERE o.stage_category IN ('won', 'lost') AND o.close_date > $since AND o.close_date <= $as_of
)
SELECT e.event, e.event_date, e.opportunity_id, e.opportunity_name, e.region, e.stage_name, e.amount,
       u.user_name AS owner
FROM events e
JOIN stg_opportunities o USING (opportunity_id)
LEFT JOIN stg_users u ON u.user_id = o.owner_id
WHERE (CAST($region AS VARCHAR) IS NULL OR e.region = $region) AND owned_by(o.owner_id, CAST($owner AS VARCHAR))
ORDER BY e.amount DESC NULLS LAST, e.event_date, e.opportunity_id
LIMIT 25
