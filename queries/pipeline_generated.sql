-- Pipeline generated
-- Opportunities created from start_date to end_date and their amount in the reporting currency,
-- converted at each opportunity's creation date. Marketing-sourced: a marketing touch by one of
-- its contacts in the lookback window before creation, or a lead source configured as marketing;
-- otherwise sales-sourced. Channel: that of the first touch before creation (a marketing lead
-- source without touches shows as "Lead source: ..."; sales-sourced as "Sales").
-- Amounts with no exchange rate are never summed: they are counted in unconverted_opportunities.
-- Grain: one row per sourcing and channel. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH opp AS (
    SELECT * FROM pipeline_in_period($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
),
sourced AS (
    SELECT o.*,
           CASE WHEN ft.opportunity_id IS NOT NULL OR o.is_marketing_lead_source THEN 'Marketing' ELSE 'Sales' END AS sourced_by,
           CASE WHEN ft.opportunity_id IS NOT NULL THEN ft.channel
                WHEN o.is_marketing_lead_source THEN 'Lead source: ' || o.lead_source
                ELSE 'Sales' END AS channel
    FROM opp o
    LEFT JOIN opportunity_touch ft ON ft.opportunity_id = o.opportunity_id AND ft.pos_pre = 1
          AND ft.opportunity_created_date BETWEEN $start_date AND $end_date
)
SELECT
    sourced_by,
    channel,
    count(*) FILTER (WHERE factor IS NOT NULL) AS opportunities,
    coalesce(sum(amount_rep), 0) AS amount,
    count(*) FILTER (WHERE factor IS NULL) AS unconverted_opportunities
FROM sourced
GROUP BY sourced_by, channel
ORDER BY sourced_by, amount DESC, channel
