-- Where open deals stall
-- Summary: Open deals by stage: how long they have sat there and how many are past their close date.
-- Deals open at the as-of date (created by then; stage as it stood then), per stage: how many, their amount (reporting
-- currency at the as-of date), and how long they have been in that stage: since the last stage
-- change in the opportunity history when the export has it, else since creation (then a deal closed
-- later shows its stage at the as-of date as unknown). Past due: the
-- close date is already behind the as-of date. Deals without an exchange rate are counted in
-- unconverted_deals and left out of the amount.
-- Grain: one row per stage. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH last_change AS (
    SELECT opportunity_id, max(changed_at) AS changed_at
    FROM stg_opportunity_stage_history WHERE changed_at < cast($as_of AS DATE) + INTERVAL 1 DAY
    GROUP BY opportunity_id
),

open_deals AS (
    SELECT
        coalesce(o.stage_name, '(stage unknown: no stage history)') AS stage_name, o.amount_rep, o.close_date,
        date_diff('day', cast(coalesce(lc.changed_at, o.created_at) AS DATE), cast($as_of AS DATE)) AS days_in_stage
    FROM open_pipeline_at($start_date, NULL, $as_of, $currency, $region, $segment, $owner) o
    LEFT JOIN last_change lc ON lc.opportunity_id = o.opportunity_id
)

SELECT
    stage_name,
    count(*) AS deals,
    coalesce(sum(amount_rep), 0) AS amount,
    median(days_in_stage) AS median_days_in_stage,
    quantile_cont(days_in_stage, 0.9) AS p90_days_in_stage,
    count(*) FILTER (WHERE close_date < $as_of) AS past_due,
    count(*) FILTER (WHERE amount_rep IS NULL) AS unconverted_deals
FROM open_deals
GROUP BY stage_name
ORDER BY median_days_in_stage DESC, stage_name
