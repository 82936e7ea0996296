-- Deals closed, all together
-- Summary: Deals won and lost this quarter, the win rate by count and by amount, and how long won deals took.
-- The totals of Win rate and cycle time over every deal in view, from the same block (closed_in_period):
-- deals won or lost with a close date from start_date to end_date (up to the as-of date, as they stood
-- then), amounts in the reporting currency at the close date; win rate by count = won / (won + lost);
-- by amount = won amount / (won + lost amount); average cycle = days from creation to close of won deals.
-- Grain: one row. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
SELECT
    count(*) AS closed,
    count(*) FILTER (WHERE stage_category = 'won') AS won,
    count(*) FILTER (WHERE stage_category = 'lost') AS lost,
    count(*) FILTER (WHERE stage_category = 'won') / nullif(count(*), 0) AS win_rate,
    coalesce(sum(amount_rep) FILTER (WHERE stage_category = 'won'), 0) AS won_amount,
    coalesce(sum(amount_rep) FILTER (WHERE stage_category = 'lost'), 0) AS lost_amount,
    cast(sum(amount_rep) FILTER (WHERE stage_category = 'won') AS DOUBLE) / nullif(sum(amount_rep), 0) AS win_rate_amount,
    avg(date_diff('day', created_date, close_date)) FILTER (WHERE stage_category = 'won') AS avg_cycle_days,
    count(*) FILTER (WHERE amount_rep IS NULL) AS unconverted_deals
FROM closed_in_period($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
