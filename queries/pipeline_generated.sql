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
    SELECT o.*, fx.factor
    FROM stg_opportunities o
    LEFT JOIN fx_conversion fx
      ON fx.from_currency = o.currency_code AND fx.to_currency = $currency AND fx.rate_date = fx_day(rate_date('pipeline_generated', o.created_date, o.close_date, $as_of, $start_date))
    WHERE o.created_date BETWEEN $start_date AND $end_date
      AND (CAST($region AS VARCHAR) IS NULL OR o.region = $region) AND owned_by(o.owner_id, CAST($owner AS VARCHAR))
      AND (CAST($segment AS VARCHAR) IS NULL OR o.segment = $segment)
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
    coalesce(sum(convert_money(amount, factor)), 0) AS amount,
    count(*) FILTER (WHERE factor IS NULL) AS unconverted_opportunities
FROM sourced
GROUP BY sourced_by, channel
ORDER BY sourced_by, amount DESC, channel
