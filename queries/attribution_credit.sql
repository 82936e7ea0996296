-- Attribution credit
-- Each touch's share of the amount of the opportunities created from start_date to end_date
-- (reporting currency at the creation date), under one attribution model: first_touch,
-- last_touch, linear, u_shaped, w_shaped, full_path or time_decay (rules in the Definitions page).
-- Credits are rounded to the cent and the rounding remainder goes to the touch with the largest
-- share, so an opportunity's credits add up exactly to its amount. Opportunities without touches
-- appear as "Unattributed", so the total equals total pipeline.
-- model NULL: every model at once (the model column says which).
-- Grain: one row per model, channel and campaign. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH opp AS (
    SELECT opportunity_id, amount_rep AS amount FROM pipeline_in_period($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
    WHERE factor IS NOT NULL AND amount IS NOT NULL
),
models AS (
    SELECT model FROM (SELECT unnest(['first_touch', 'last_touch', 'linear', 'u_shaped', 'w_shaped', 'full_path',
                                      'time_decay']) AS model)
    WHERE CAST($model AS VARCHAR) IS NULL OR model = $model
),
shares AS (
    SELECT s.*, o.amount,
           to_money(CAST(o.amount AS DOUBLE) * s.share) AS rounded,
           row_number() OVER (PARTITION BY s.opportunity_id, s.model
                              ORDER BY s.share DESC, s.touched_at, s.campaign_member_id) AS rank
    FROM attribution_share s JOIN opp o USING (opportunity_id)
    WHERE s.model IN (SELECT model FROM models)
      AND s.opportunity_created_date BETWEEN $start_date AND $end_date  -- redundant with the join; lets the scan skip other periods
),
credits AS (
    SELECT model, channel, campaign_id,
           rounded + CASE WHEN rank = 1 THEN amount - sum(rounded) OVER (PARTITION BY opportunity_id, model) ELSE 0 END
               AS credit
    FROM shares
    UNION ALL
    SELECT m.model, 'Unattributed', NULL, o.amount
    FROM opp o CROSS JOIN models m
    WHERE NOT EXISTS (SELECT 1 FROM attribution_share s WHERE s.opportunity_id = o.opportunity_id AND s.model = m.model
                      AND s.opportunity_created_date BETWEEN $start_date AND $end_date)
)
SELECT c.channel, c.campaign_id, cp.campaign_name, sum(c.credit) AS credit, c.model
FROM credits c LEFT JOIN stg_campaigns cp USING (campaign_id)
GROUP BY c.model, c.channel, c.campaign_id, cp.campaign_name
ORDER BY c.model, c.channel = 'Unattributed', credit DESC, c.channel, c.campaign_id
