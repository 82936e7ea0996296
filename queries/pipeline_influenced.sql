-- Pipeline influenced
-- Of the opportunities created from start_date to end_date (up to the as-of date) (amounts in the reporting currency at
-- the creation date), those with at least one marketing touch by one of their contacts between
-- `created - lookback days` and the close date (open deals: the as-of date). Influence is yes or
-- no per opportunity, so influenced pipeline is never more than total pipeline.
-- Grain: one row. Filters: region, segment, owner or team (NULL = all). Unconverted amounts are counted apart.
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH opp AS (
    SELECT o.opportunity_id, o.factor, o.amount_rep,
           EXISTS (SELECT 1 FROM opportunity_touch t WHERE t.opportunity_id = o.opportunity_id
                   AND t.opportunity_created_date BETWEEN $start_date AND $end_date
                   AND t.touched_at < CAST($as_of AS DATE) + INTERVAL 1 DAY) AS is_influenced
    FROM pipeline_in_period($start_date, $end_date, $as_of, $currency, $region, $segment, $owner) o
)
SELECT
    count(*) FILTER (WHERE factor IS NOT NULL) AS opportunities,
    coalesce(sum(amount_rep), 0) AS amount,
    count(*) FILTER (WHERE factor IS NOT NULL AND is_influenced) AS influenced_opportunities,
    coalesce(sum(amount_rep) FILTER (WHERE is_influenced), 0) AS influenced_amount,
    count(*) FILTER (WHERE factor IS NULL) AS unconverted_opportunities
FROM opp
