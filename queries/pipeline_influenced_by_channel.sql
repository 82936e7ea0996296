-- Pipeline influenced by channel
-- For each channel, the opportunities created from start_date to end_date that at least one touch
-- of that channel influenced (see Pipeline influenced), and their amount in the reporting
-- currency. An opportunity counts once per channel, never more than its amount; it can count
-- under several channels, so the rows do not add up to the total.
-- Grain: one row per channel. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH opp AS (
    SELECT o.opportunity_id, o.amount, fx.factor
    FROM stg_opportunities o
    JOIN fx_conversion fx
      ON fx.from_currency = o.currency_code AND fx.to_currency = $currency AND fx.rate_date = fx_day(rate_date('pipeline_generated', o.created_date, o.close_date, $as_of, $start_date))
    WHERE o.created_date BETWEEN $start_date AND $end_date
      AND (CAST($region AS VARCHAR) IS NULL OR o.region = $region) AND owned_by(o.owner_id, CAST($owner AS VARCHAR))
      AND (CAST($segment AS VARCHAR) IS NULL OR o.segment = $segment)
),
by_channel AS (
    SELECT DISTINCT t.opportunity_id, t.channel
    FROM opportunity_touch t
    WHERE t.touched_at < CAST($as_of AS DATE) + INTERVAL 1 DAY
      AND t.opportunity_created_date BETWEEN $start_date AND $end_date
)
SELECT c.channel, count(*) AS influenced_opportunities, sum(convert_money(o.amount, o.factor)) AS influenced_amount
FROM opp o JOIN by_channel c USING (opportunity_id)
GROUP BY c.channel
ORDER BY influenced_amount DESC, c.channel
