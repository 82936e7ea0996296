-- Attribution credit
-- Summary: The pipeline each attribution model credits to each campaign and channel; a deal's credits add up to it.
-- Each touch's share of the amount of the opportunities created from start_date to end_date (up to the
-- as-of date; reporting currency at the creation date), under one attribution model: first_touch,
-- last_touch, linear, u_shaped, w_shaped, full_path or time_decay (rules in the Definitions page).
-- Credits are rounded to the cent and the rounding remainder goes to the touch with the largest
-- share, so an opportunity's credits add up exactly to its amount. Opportunities without touches
-- appear as "Unattributed", so the total equals total pipeline.
-- model NULL: every model at once (the model column says which).
-- Grain: one row per model, channel and campaign. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
SELECT
    c.channel, c.campaign_id, coalesce(cp.campaign_name, c.campaign_id, '(no campaign: unattributed)') AS campaign_name,
    sum(c.credit) AS credit, c.model
FROM attribution_credits($start_date, $end_date, $as_of, $currency, $region, $segment, $owner, $model) c
LEFT JOIN stg_campaigns cp ON cp.campaign_id = c.campaign_id
GROUP BY c.model, c.channel, c.campaign_id, cp.campaign_name
ORDER BY c.model, c.channel = 'Unattributed', credit DESC, c.channel, c.campaign_id
