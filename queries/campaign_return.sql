-- Campaign return
-- Summary: What each campaign cost against the pipeline and bookings credited to it.
-- Cost overlay per campaign under one attribution model, for opportunities created from start_date
-- to end_date (up to the as-of date): the campaign's actual cost (its own currency converted at the campaign's start
-- date; campaigns active in the period), pipeline attributed to it, pipeline per unit of cost,
-- cost per pipeline dollar, and the attributed amount of those opportunities that were won by the as-of date.
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
    SELECT
        c.campaign_id, c.campaign_name, c.channel, c.currency_code, c.actual_cost,
        convert_money(c.actual_cost, fx.factor) AS cost
    FROM stg_campaigns c
    LEFT JOIN fx_conversion fx
        ON fx.from_currency = c.currency_code AND fx.to_currency = $currency AND fx.rate_date = fx_day(c.start_date)
    WHERE coalesce(c.start_date, DATE '1900-01-01') <= least(cast($end_date AS DATE), cast($as_of AS DATE))
        AND coalesce(c.end_date, DATE '9999-12-31') >= $start_date
)

SELECT
    coalesce(c.campaign_id, b.campaign_id) AS campaign_id,
    coalesce(c.campaign_name, cp.campaign_name) AS campaign_name,
    coalesce(c.channel, cp.channel) AS channel,
    c.actual_cost AS cost_in_campaign_currency,
    c.currency_code AS campaign_currency,
    c.cost,
    coalesce(b.pipeline, 0) AS pipeline,
    coalesce(b.won, 0) AS won,
    cast(coalesce(b.pipeline, 0) AS DOUBLE) / nullif(c.cost, 0) AS pipeline_per_cost,
    cast(c.cost AS DOUBLE) / nullif(b.pipeline, 0) AS cost_per_pipeline,
    cast(coalesce(b.won, 0) AS DOUBLE) / nullif(c.cost, 0) AS won_per_cost
FROM cost c FULL OUTER JOIN by_campaign b ON b.campaign_id = c.campaign_id
LEFT JOIN stg_campaigns cp ON cp.campaign_id = b.campaign_id
ORDER BY pipeline DESC, campaign_id
