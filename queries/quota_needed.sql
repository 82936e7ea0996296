-- What is needed to close the gap (the reverse funnel)
-- Summary: What it takes to close the gap: pipeline, deals and MQLs still needed at past conversion rates.
-- For the fiscal quarter holding the as-of date: the gap to quota, what the open pipeline closing
-- by quarter end should bring at the historical win rate, and the new pipeline, opportunities and
-- MQLs still needed for the rest. History: deals closed and MQLs of the four previous quarters, as
-- known at the as-of date. win_rate_amount = won / (won + lost) amount; avg_deal_size = average won
-- amount; mql_to_opportunity = share of MQLs that became an opportunity; avg_cycle_days = creation to
-- close of won deals. cycle_fits = whether a deal created at the as-of date would typically close
-- before the quarter ends. Bookings, open pipeline and quota follow Quota attainment.
-- Grain: one row. Filters: region, segment, owner or team (NULL = all); no quota applies to a segment.
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH history AS (
    SELECT
        cast(sum(amount_rep) FILTER (WHERE stage_category = 'won') AS DOUBLE)
        / nullif(sum(amount_rep) FILTER (WHERE stage_category IN ('won', 'lost')), 0) AS win_rate_amount,
        avg(cast(amount_rep AS DOUBLE)) FILTER (WHERE stage_category = 'won') AS avg_deal_size,
        avg(date_diff('day', created_date, close_date)) FILTER (WHERE stage_category = 'won') AS avg_cycle_days
    FROM closed_in_period(
            fiscal_quarter_back($as_of, 4), fiscal_quarter_of($as_of) - 1, $as_of, $currency, $region,
            $segment, $owner
        )
),

mql_history AS (
    SELECT count(*) FILTER (WHERE is_converted) / nullif(count(*), 0) AS mql_to_opportunity
    FROM mql_funnel(fiscal_quarter_back($as_of, 4), fiscal_quarter_of($as_of) - 1, $as_of, $region, $segment, $owner)
),

now AS (
    SELECT
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings(fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $as_of, $currency, $region, $segment, $owner))
            AS won,
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM open_pipeline_at(
                    fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $as_of, $currency, $region, $segment,
                    $owner
                )
        ) AS open_pipeline,
        (
            SELECT CASE WHEN cast($segment AS VARCHAR) IS NULL THEN coalesce(sum(amount_rep), 0) END
            FROM quota_in_period(fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $currency, $region, $owner)
        ) AS quota
),

calc AS (
    SELECT
        n.quota, n.won, greatest(n.quota - n.won, 0) AS gap, n.open_pipeline, h.win_rate_amount, h.avg_deal_size,
        h.avg_cycle_days, m.mql_to_opportunity, fiscal_quarter_end($as_of) AS q_end,
        n.open_pipeline * h.win_rate_amount AS expected_from_open
    FROM now n CROSS JOIN history h CROSS JOIN mql_history m
)

SELECT
    quota, won, gap, open_pipeline, win_rate_amount, expected_from_open,
    greatest(gap - coalesce(expected_from_open, 0), 0) AS gap_after_open,
    greatest(gap - coalesce(expected_from_open, 0), 0) / nullif(win_rate_amount, 0) AS new_pipeline_needed,
    ceil(greatest(gap - coalesce(expected_from_open, 0), 0) / nullif(win_rate_amount, 0) / nullif(avg_deal_size, 0))
        AS new_opportunities_needed,
    ceil(
        ceil(greatest(gap - coalesce(expected_from_open, 0), 0) / nullif(win_rate_amount, 0) / nullif(avg_deal_size, 0))
        / nullif(mql_to_opportunity, 0)
    ) AS mqls_needed,
    avg_deal_size, mql_to_opportunity, avg_cycle_days,
    date_diff('day', cast($as_of AS DATE), q_end) AS days_left,
    avg_cycle_days <= date_diff('day', cast($as_of AS DATE), q_end) AS cycle_fits
FROM calc
