-- Pipeline influenced
-- Of the opportunities created from start_date to end_date (amounts in the reporting currency at
-- the creation date), those with at least one marketing touch by one of their contacts between
-- `created - lookback days` and the close date (open deals: the as-of date). Influence is yes or
-- no per opportunity, so influenced pipeline is never more than total pipeline.
-- Grain: one row. Filters: region, segment, owner or team (NULL = all). Unconverted amounts are counted apart.
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH opp AS (
    SELECT o.opportunity_id, fx.factor, o.amount,
           EXISTS (SELECT 1 FROM opportunity_touch t WHERE t.opportunity_id = o.opportunity_id
                   AND t.opportunity_created_date BETWEEN $start_date AND $end_date
                   AND t.touched_at < CAST($as_of AS DATE) + INTERVAL 1 DAY) AS is_influenced
    FROM stg_opportunities o
    LEFT JOIN fx_conversion fx
      ON fx.from_currency = o.currency_code AND fx.to_currency = $currency AND fx.rate_date = fx_day(rate_date('pipeline_generated', o.created_date, o.close_date, $as_of, $start_date))
    WHERE o.created_date BETWEEN $start_date AND $end_date
      AND (CAST($region AS VARCHAR) IS NULL OR o.region = $region) AND owned_by(o.owner_id, CAST($owner AS VARCHAR))
      AND (CAST($segment AS VARCHAR) IS NULL OR o.segment = $segment)
)
SELECT
    count(*) FILTER (WHERE factor IS NOT NULL) AS opportunities,
    coalesce(sum(convert_money(amount, factor)), 0) AS amount,
    count(*) FILTER (WHERE factor IS NOT NULL AND is_influenced) AS influenced_opportunities,
    coalesce(sum(convert_money(amount, factor)) FILTER (WHERE is_influenced), 0) AS influenced_amount,
    count(*) FILTER (WHERE factor IS NULL) AS unconverted_opportunities
FROM opp
