-- Win rate and cycle time
-- Summary: Deals won and lost this quarter, the win rate and how long won deals took.
-- Deals closed from start_date to end_date (up to the as-of date, as they stood then), split by one firmographic
-- dimension (`dimension`:
-- "segment", "industry", "employees" band, "region" or "source" = marketing- or sales-sourced):
-- won and lost count and amount (reporting currency at the close date), win rate by count and by
-- amount, and the average days from creation to close of won deals.
-- Grain: one row per value of the dimension. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH closed AS (
    SELECT o.*, a.industry, a.employees, src.is_marketing_sourced
    FROM closed_in_period($start_date, $end_date, $as_of, $currency, $region, $segment, $owner) o
    LEFT JOIN stg_accounts a ON a.account_id = o.account_id
    LEFT JOIN opportunity_source src ON src.opportunity_id = o.opportunity_id
)

SELECT
    deal_split($dimension, segment, industry, region, is_marketing_sourced, employees) AS value,
    count(*) FILTER (WHERE stage_category = 'won') AS won,
    count(*) FILTER (WHERE stage_category = 'lost') AS lost,
    count(*) FILTER (WHERE stage_category = 'won') / count(*) AS win_rate,
    coalesce(sum(amount_rep) FILTER (WHERE stage_category = 'won'), 0) AS won_amount,
    coalesce(sum(amount_rep) FILTER (WHERE stage_category = 'lost'), 0) AS lost_amount,
    cast(sum(amount_rep) FILTER (WHERE stage_category = 'won') AS DOUBLE) / nullif(sum(amount_rep), 0) AS win_rate_amount,
    avg(date_diff('day', created_date, close_date)) FILTER (WHERE stage_category = 'won') AS avg_cycle_days,
    count(*) FILTER (WHERE amount_rep IS NULL) AS unconverted_deals
FROM closed
WHERE $dimension IN ('segment', 'industry', 'region', 'source', 'employees')
GROUP BY value
ORDER BY won_amount DESC, value
