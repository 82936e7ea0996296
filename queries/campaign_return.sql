-- Campaign return
-- Summary: What each campaign cost against the pipeline and bookings credited to it.
-- Cost overlay per campaign under one attribution model, for opportunities created from start_date
-- to end_date (up to the as-of date): the campaign's actual cost (its own currency converted at the campaign's start
-- date; campaigns active in the period), pipeline attributed to it, pipeline per unit of cost,
-- cost per pipeline dollar, and the attributed amount of those opportunities that were won by the as-of date.
-- A campaign credited here that did not run in the period has no cost in it (ran_in_period false: its cost counts
-- in the periods it ran); one that ran with no actual cost, or with no exchange rate for it, has no cost either.
-- All money in the reporting currency; credits follow the Attribution credit rules.
-- Grain: one row per campaign. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH credits AS (
    SELECT campaign_id, stage_category, credit
    FROM attribution_credits($start_date, $end_date, $as_of, $currency, $region, $segment, $owner, $model)
    WHERE campaign_member_id IS NOT NULL
),

by_campaign AS (
    SELECT campaign_id, sum(credit) AS pipeline, coalesce(sum(credit) FILTER (WHERE stage_category = 'won'), 0) AS won
    FROM credits GROUP BY campaign_id
),

cost AS (
    SELECT campaign_id, campaign_name, channel, currency_code, actual_cost, cost
    FROM campaign_costs($start_date, $end_date, $as_of, $currency)
)

SELECT
    coalesce(c.campaign_id, b.campaign_id) AS campaign_id,
    coalesce(c.campaign_name, cp.campaign_name) AS campaign_name,
    coalesce(c.channel, cp.channel) AS channel,
    c.actual_cost AS cost_in_campaign_currency,
    c.currency_code AS campaign_currency,
    c.cost,
    c.campaign_id IS NOT NULL AS ran_in_period,
    coalesce(b.pipeline, 0) AS pipeline,
    coalesce(b.won, 0) AS won,
    cast(coalesce(b.pipeline, 0) AS DOUBLE) / nullif(c.cost, 0) AS pipeline_per_cost,
    cast(c.cost AS DOUBLE) / nullif(b.pipeline, 0) AS cost_per_pipeline,
    cast(coalesce(b.won, 0) AS DOUBLE) / nullif(c.cost, 0) AS won_per_cost
FROM cost c FULL OUTER JOIN by_campaign b ON b.campaign_id = c.campaign_id
LEFT JOIN stg_campaigns cp ON cp.campaign_id = b.campaign_id
ORDER BY pipeline DESC, campaign_id
