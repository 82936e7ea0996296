-- What is needed to close the gap (the reverse funnel)
-- For the fiscal quarter holding the as-of date: the gap to quota, what the open pipeline closing
-- by quarter end should bring at the historical win rate, and the new pipeline, opportunities and
-- MQLs still needed for the rest. History: deals closed and MQLs of the four previous quarters.
-- win_rate_amount = won / (won + lost) amount; avg_deal_size = average won amount; mql_to_opportunity
-- = share of MQLs that became an opportunity; avg_cycle_days = creation to close of won deals.
-- cycle_fits = whether a deal created today would typically close before the quarter ends.
-- Grain: one row. Filters: region, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH fy AS (SELECT CAST(value AS INTEGER) AS m FROM cfg_setting WHERE key = 'fiscal_year_start_month'),
cur AS (
    SELECT fiscal_quarter_start($as_of, (SELECT m FROM fy)) AS q_start
),
period AS (
    SELECT q_start, CAST(q_start + INTERVAL 3 MONTH AS DATE) - 1 AS q_end,
           CAST(q_start - INTERVAL 12 MONTH AS DATE) AS history_start FROM cur
),
deals AS (
    SELECT o.*, convert_money(o.amount, fx.factor) AS amount_rep
    FROM stg_opportunities o
    JOIN fx_conversion fx ON fx.from_currency = o.currency_code AND fx.to_currency = $currency
                         AND fx.rate_date = fx_day(CASE WHEN o.stage_category = 'open' THEN rate_date('open_pipeline', o.created_date, o.close_date, $as_of, $as_of)
                                        ELSE rate_date('won_lost', o.created_date, o.close_date, $as_of, $as_of) END)
    WHERE (CAST($region AS VARCHAR) IS NULL OR o.region = $region) AND owned_by(o.owner_id, CAST($owner AS VARCHAR))
),
history AS (
    SELECT
        sum(amount_rep) FILTER (WHERE stage_category = 'won')
            / nullif(sum(amount_rep) FILTER (WHERE stage_category IN ('won', 'lost')), 0) AS win_rate_amount,
        avg(amount_rep) FILTER (WHERE stage_category = 'won') AS avg_deal_size,
        avg(date_diff('day', created_date, close_date)) FILTER (WHERE stage_category = 'won') AS avg_cycle_days
    FROM deals, period p
    WHERE stage_category IN ('won', 'lost') AND close_date >= p.history_start AND close_date < p.q_start
),
mql_history AS (
    SELECT count(opportunity_id) / nullif(count(*), 0) AS mql_to_opportunity
    FROM mql, period p
    WHERE mql_date >= p.history_start AND mql_date < p.q_start
      AND (CAST($region AS VARCHAR) IS NULL OR region = $region) AND owned_by(owner_id, CAST($owner AS VARCHAR))
),
now AS (
    SELECT
        coalesce(sum(amount_rep) FILTER (WHERE stage_category = 'won' AND close_date BETWEEN p.q_start AND $as_of), 0) AS won,
        coalesce(sum(amount_rep) FILTER (WHERE stage_category = 'open' AND close_date <= p.q_end), 0) AS open_pipeline
    FROM deals, period p
),
quota AS (
    SELECT coalesce(sum(convert_money(s.amount, fx.factor)), 0) AS quota
    FROM stg_quotas s, period p
    JOIN stg_users u ON u.user_id = s.owner_id
    JOIN fx_conversion fx ON fx.from_currency = s.currency_code AND fx.to_currency = $currency
                         AND fx.rate_date = fx_day(p.q_start)
    WHERE s.period_start_date BETWEEN p.q_start AND p.q_end
      AND (CAST($region AS VARCHAR) IS NULL OR u.region = $region) AND owned_by(u.user_id, CAST($owner AS VARCHAR))
),
calc AS (
    SELECT q.quota, n.won, greatest(q.quota - n.won, 0) AS gap, n.open_pipeline, h.win_rate_amount, h.avg_deal_size,
           h.avg_cycle_days, m.mql_to_opportunity, p.q_end,
           n.open_pipeline * h.win_rate_amount AS expected_from_open
    FROM quota q, now n, history h, mql_history m, period p
)
SELECT
    quota, won, gap, open_pipeline, win_rate_amount, expected_from_open,
    greatest(gap - coalesce(expected_from_open, 0), 0) AS gap_after_open,
    greatest(gap - coalesce(expected_from_open, 0), 0) / nullif(win_rate_amount, 0) AS new_pipeline_needed,
    ceil(greatest(gap - coalesce(expected_from_open, 0), 0) / nullif(win_rate_amount, 0) / nullif(avg_deal_size, 0))
        AS new_opportunities_needed,
    ceil(ceil(greatest(gap - coalesce(expected_from_open, 0), 0) / nullif(win_rate_amount, 0) / nullif(avg_deal_size, 0))
         / nullif(mql_to_opportunity, 0)) AS mqls_needed,
    avg_deal_size, mql_to_opportunity, avg_cycle_days,
    date_diff('day', CAST($as_of AS DATE), q_end) AS days_left,
    avg_cycle_days <= date_diff('day', CAST($as_of AS DATE), q_end) AS cycle_fits
FROM calc
