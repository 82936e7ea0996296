-- Pipeline influenced by campaign
-- Summary: Pipeline each campaign touched; a deal touched by several campaigns counts under each.
-- For each campaign, the opportunities created from start_date to end_date (up to the as-of date) that at least one of
-- its touches influenced (see Pipeline influenced), and their amount in the reporting currency. An
-- opportunity counts once per campaign; it can count under several campaigns, so the rows do not
-- add up to the total.
-- Grain: one row per campaign. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH opp AS (
    SELECT opportunity_id, amount_rep
    FROM pipeline_in_period($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
    WHERE factor IS NOT NULL
),

by_campaign AS (
    SELECT DISTINCT t.opportunity_id, t.campaign_id, t.channel
    FROM opportunity_touch t
    WHERE t.touched_at < cast($as_of AS DATE) + INTERVAL 1 DAY
        AND t.opportunity_created_date BETWEEN $start_date AND $end_date
)

SELECT
    c.campaign_id, cp.campaign_name, c.channel, count(*) AS influenced_opportunities,
    sum(o.amount_rep) AS influenced_amount
FROM opp o JOIN by_campaign c USING (opportunity_id)
LEFT JOIN stg_campaigns cp ON cp.campaign_id = c.campaign_id
GROUP BY c.campaign_id, cp.campaign_name, c.channel
ORDER BY influenced_amount DESC, c.campaign_id
