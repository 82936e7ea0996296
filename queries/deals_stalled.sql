-- Where open deals stall
-- Deals open at the as-of date (created by then), per stage: how many, their amount (reporting
-- currency at the as-of date), and how long they have been in that stage: since the last stage
-- change in the opportunity history when the export has it, else since creation. Past due: the
-- close date is already behind the as-of date. Deals without an exchange rate are counted in
-- unconverted_deals and left out of the amount.
-- Grain: one row per stage. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH last_change AS (
    SELECT opportunity_id, max(changed_at) AS changed_at
    FROM stg_opportunity_stage_history WHERE changed_at < CAST($as_of AS DATE) + INTERVAL 1 DAY
    GROUP BY opportunity_id
),
open_deals AS (
    SELECT o.stage_name, convert_money(o.amount, fx.factor) AS amount_rep, o.close_date,
           date_diff('day', CAST(coalesce(lc.changed_at, o.created_at) AS DATE), CAST($as_of AS DATE)) AS days_in_stage
    FROM stg_opportunities o
    LEFT JOIN last_change lc ON lc.opportunity_id = o.opportunity_id
    LEFT JOIN fx_conversion fx ON fx.from_currency = o.currency_code AND fx.to_currency = $currency
                              AND fx.rate_date = fx_day(rate_date('open_pipeline', o.created_date, o.close_date, $as_of, $as_of))
    WHERE o.stage_category = 'open' AND o.created_date <= $as_of
      AND (CAST($region AS VARCHAR) IS NULL OR o.region = $region) AND owned_by(o.owner_id, CAST($owner AS VARCHAR))
      AND (CAST($segment AS VARCHAR) IS NULL OR o.segment = $segment)
)
SELECT
    stage_name,
    count(*) AS deals,
    coalesce(sum(amount_rep), 0) AS amount,
    median(days_in_stage) AS median_days_in_stage,
    quantile_cont(days_in_stage, 0.9) AS p90_days_in_stage,
    count(*) FILTER (WHERE close_date < $as_of) AS past_due,
    count(*) FILTER (WHERE amount_rep IS NULL) AS unconverted_deals
FROM open_deals
GROUP BY stage_name
ORDER BY median_days_in_stage DESC, stage_name
