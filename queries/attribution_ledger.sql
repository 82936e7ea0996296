-- Attribution ledger
-- For every attribution model, side by side: total pipeline created from start_date to end_date
-- (reporting currency at the creation date), the part attributed to touches and the part
-- unattributed (opportunities without a touch in the model's window). attributed + unattributed =
-- total pipeline, exactly, for every model.
-- Grain: one row per model. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH opp AS (
    SELECT opportunity_id, amount_rep AS amount FROM pipeline_in_period($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
    WHERE factor IS NOT NULL AND amount IS NOT NULL
),
models AS (
    SELECT unnest(['first_touch', 'last_touch', 'linear', 'u_shaped', 'w_shaped', 'full_path', 'time_decay']) AS model
),
touched AS (
    SELECT DISTINCT s.model, s.opportunity_id FROM attribution_share s
    WHERE s.opportunity_created_date BETWEEN $start_date AND $end_date  -- skips other periods
)
SELECT
    m.model,
    coalesce(sum(o.amount), 0) AS total_pipeline,
    coalesce(sum(o.amount) FILTER (WHERE t.opportunity_id IS NOT NULL), 0) AS attributed,
    coalesce(sum(o.amount) FILTER (WHERE t.opportunity_id IS NULL), 0) AS unattributed
FROM models m
CROSS JOIN opp o
LEFT JOIN touched t ON t.model = m.model AND t.opportunity_id = o.opportunity_id
GROUP BY m.model
ORDER BY list_position(['first_touch', 'last_touch', 'linear', 'u_shaped', 'w_shaped', 'full_path', 'time_decay'], m.model)
