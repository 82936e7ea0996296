-- Attribution ledger
-- Summary: Per model, pipeline created, the part credited to campaigns and the part no touch explains: it adds up.
-- For every attribution model, side by side: total pipeline created from start_date to end_date (up to
-- the as-of date; reporting currency at the creation date), the part credited to touches and the part
-- unattributed (opportunities without a touch in the model's window). attributed + unattributed =
-- total pipeline, exactly, for every model.
-- Grain: one row per model. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
SELECT
    m.model,
    coalesce(sum(c.credit), 0) AS total_pipeline,
    coalesce(sum(c.credit) FILTER (WHERE c.campaign_member_id IS NOT NULL), 0) AS attributed,
    coalesce(sum(c.credit) FILTER (WHERE c.campaign_member_id IS NULL), 0) AS unattributed
FROM attribution_model m
LEFT JOIN attribution_credits($start_date, $end_date, $as_of, $currency, $region, $segment, $owner, NULL) c
    ON c.model = m.model
GROUP BY m.model, m.position
ORDER BY m.position
