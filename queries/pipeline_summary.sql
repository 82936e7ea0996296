-- Pipeline created, all sources together
-- Summary: Value of the deals created this quarter, the part marketing sourced, the part marketing touched, and its share.
-- From the same blocks as Pipeline generated and Pipeline influenced (pipeline_with_influence,
-- opportunity_source): deals created from start_date to end_date (up to the as-of date) in the reporting
-- currency at their creation date; marketing-sourced (a marketing touch before creation, or a marketing
-- lead source); influenced (any marketing touch from the lookback window to the close or as-of date);
-- deals without an exchange rate are counted apart, never summed.
-- Grain: one row. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
SELECT
    count(*) FILTER (WHERE p.factor IS NOT NULL) AS opportunities,
    coalesce(sum(p.amount_rep), 0) AS pipeline,
    coalesce(sum(p.amount_rep) FILTER (WHERE s.is_marketing_sourced), 0) AS marketing_pipeline,
    coalesce(sum(p.amount_rep) FILTER (WHERE p.is_influenced), 0) AS influenced_pipeline,
    cast(coalesce(sum(p.amount_rep) FILTER (WHERE p.is_influenced), 0) AS DOUBLE) / nullif(sum(p.amount_rep), 0)
        AS influenced_share,
    count(*) FILTER (WHERE p.factor IS NULL) AS unconverted_opportunities
FROM pipeline_with_influence($start_date, $end_date, $as_of, $currency, $region, $segment, $owner) p
JOIN opportunity_source s ON s.opportunity_id = p.opportunity_id
