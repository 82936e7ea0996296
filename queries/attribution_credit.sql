-- Attribution credit
-- Each touch's share of the amount of the opportunities created from start_date to end_date
-- (reporting currency at the creation date), under one attribution model: first_touch,
-- last_touch, linear, u_shaped, w_shaped, full_path or time_decay (rules in the Definitions page).
-- Credits are rounded to the cent and the rounding remainder goes to the touch with the largest
-- share, so an opportunity's credits add up exactly to its amount. Opportunities without touches
-- appear as "Unattributed", so the total equals total pipeline.
-- Grain: one row per channel and campaign. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH opp AS (
    SELECT o.opportunity_id, convert_money(o.amount, fx.factor) AS amount
    FROM stg_opportunities o
    JOIN fx_conversion fx
      ON fx.from_currency = o.currency_code AND fx.to_currency = $currency AND fx.rate_date = fx_day(rate_date('pipeline_generated', o.created_date, o.close_date, $as_of, $start_date))
    WHERE o.created_date BETWEEN $start_date AND $end_date AND o.amount IS NOT NULL
      AND (CAST($region AS VARCHAR) IS NULL OR o.region = $region) AND owned_by(o.owner_id, CAST($owner AS VARCHAR))
      AND (CAST($segment AS VARCHAR) IS NULL OR o.segment = $segment)
),
shares AS (
    SELECT s.*, o.amount,
           to_money(CAST(o.amount AS DOUBLE) * s.share) AS rounded,
           row_number() OVER (PARTITION BY s.opportunity_id ORDER BY s.share DESC, s.touched_at, s.campaign_member_id) AS rank
    FROM attribution_share s JOIN opp o USING (opportunity_id)
    WHERE s.model = $model
),
credits AS (
    SELECT channel, campaign_id,
           rounded + CASE WHEN rank = 1 THEN amount - sum(rounded) OVER (PARTITION BY opportunity_id) ELSE 0 END AS credit
    FROM shares
    UNION ALL
    SELECT 'Unattributed', NULL, o.amount
    FROM opp o WHERE NOT EXISTS (SELECT 1 FROM attribution_share s WHERE s.opportunity_id = o.opportunity_id AND s.model = $model)
)
SELECT c.channel, c.campaign_id, cp.campaign_name, sum(c.credit) AS credit
FROM credits c LEFT JOIN stg_campaigns cp USING (campaign_id)
GROUP BY c.channel, c.campaign_id, cp.campaign_name
ORDER BY c.channel = 'Unattributed', credit DESC, c.channel, c.campaign_id
