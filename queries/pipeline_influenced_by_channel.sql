-- Pipeline influenced by channel
-- Summary: Pipeline each channel touched; a deal touched by several channels counts under each.
-- For each channel, the opportunities created from start_date to end_date (up to the as-of date) that at least one touch
-- of that channel influenced (see Pipeline influenced), and their amount in the reporting
-- currency. An opportunity counts once per channel, never more than its amount; it can count
-- under several channels, so the rows do not add up to the total.
-- Grain: one row per channel. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH opp AS (
    SELECT opportunity_id, amount_rep
    FROM pipeline_in_period($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
    WHERE factor IS NOT NULL
),

by_channel AS (
    SELECT DISTINCT t.opportunity_id, t.channel
    FROM opportunity_touch t
    WHERE t.touched_at < cast($as_of AS DATE) + INTERVAL 1 DAY
        AND t.opportunity_created_date BETWEEN $start_date AND $end_date
)

SELECT c.channel, count(*) AS influenced_opportunities, sum(o.amount_rep) AS influenced_amount
FROM opp o JOIN by_channel c USING (opportunity_id)
GROUP BY c.channel
ORDER BY influenced_amount DESC, c.channel
