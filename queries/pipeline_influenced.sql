-- Pipeline influenced
-- Summary: Value of this quarter's new deals that marketing touched at least once.
-- Of the opportunities created from start_date to end_date (up to the as-of date; amounts as they stood
-- then, in the reporting currency at the creation date), those with at least one marketing touch by
-- one of their contacts between `created - lookback days` and the close date (open deals: the as-of
-- date). Influence is yes or no per opportunity, so influenced pipeline is never more than total pipeline.
-- Grain: one row. Filters: region, segment, owner or team (NULL = all). Unconverted amounts are counted apart.
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
SELECT
    count(*) FILTER (WHERE factor IS NOT NULL) AS opportunities,
    coalesce(sum(amount_rep), 0) AS amount,
    count(*) FILTER (WHERE factor IS NOT NULL AND is_influenced) AS influenced_opportunities,
    coalesce(sum(amount_rep) FILTER (WHERE is_influenced), 0) AS influenced_amount,
    count(*) FILTER (WHERE factor IS NULL) AS unconverted_opportunities
FROM pipeline_with_influence($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
