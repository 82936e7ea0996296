-- Pipeline generated
-- Summary: Value of the deals created this quarter, marketing- or sales-sourced, by channel.
-- Opportunities created from start_date to end_date (up to the as-of date) and their amount as it stood
-- at the as-of date, in the reporting currency at each opportunity's creation date. Marketing-sourced: a
-- marketing touch by one of its contacts in the lookback window before creation, or a lead source
-- configured as marketing; otherwise sales-sourced. Channel: that of the first touch before creation (a
-- marketing lead source without touches shows as "Lead source: ..."; sales-sourced as "Sales").
-- Amounts with no exchange rate are never summed: they are counted in unconverted_opportunities.
-- Grain: one row per sourcing and channel. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
SELECT
    s.sourced_by,
    s.channel,
    count(*) FILTER (WHERE o.factor IS NOT NULL) AS opportunities,
    coalesce(sum(o.amount_rep), 0) AS amount,
    count(*) FILTER (WHERE o.factor IS NULL) AS unconverted_opportunities
FROM pipeline_in_period($start_date, $end_date, $as_of, $currency, $region, $segment, $owner) o
JOIN opportunity_source s ON s.opportunity_id = o.opportunity_id
GROUP BY s.sourced_by, s.channel
ORDER BY s.sourced_by, amount DESC, s.channel
