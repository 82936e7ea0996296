-- What changed since the last 1:1
-- Between the `since` date (exclusive) and the as-of date (inclusive), against the window of the
-- same length just before it: MQLs handed off to sales, pipeline created (reporting currency at
-- creation), bookings (won, at the close date), SLA compliance of the window's MQLs (wall-clock, judged at
-- the window's end),
-- and quarter-to-date attainment at each end (the quarter of the as-of date).
-- Grain: one row per measure. Filters: region, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH w AS (
    SELECT CAST($since AS DATE) + 1 AS cur_start, CAST($as_of AS DATE) AS cur_end,
           CAST($since AS DATE) + 1 - CAST(CAST($as_of AS DATE) - CAST($since AS DATE) AS INTEGER) AS prev_start,
           CAST($since AS DATE) AS prev_end
),
fy AS (SELECT CAST(value AS INTEGER) AS m FROM cfg_setting WHERE key = 'fiscal_year_start_month'),
q AS (SELECT fiscal_quarter_start($as_of, (SELECT m FROM fy)) AS q_start),
handoffs AS (
    SELECT
        (SELECT count(*) FROM mql_funnel(CAST($since AS DATE) + 1, CAST($as_of AS DATE), $as_of, $region, $owner) WHERE is_handed_off) AS cur,
        (SELECT count(*) FROM mql_funnel(CAST($since AS DATE) + 1 - CAST(CAST($as_of AS DATE) - CAST($since AS DATE) AS INTEGER), CAST($since AS DATE), $since, $region, $owner)
         WHERE is_handed_off) AS prev
),
deals AS (
    SELECT o.*, convert_money(o.amount, fc.factor) AS created_rep, convert_money(o.amount, fw.factor) AS closed_rep
    FROM stg_opportunities o
    LEFT JOIN fx_conversion fc ON fc.from_currency = o.currency_code AND fc.to_currency = $currency
                              AND fc.rate_date = fx_day(rate_date('pipeline_generated', o.created_date, o.close_date, $as_of, $start_date))
    LEFT JOIN fx_conversion fw ON fw.from_currency = o.currency_code AND fw.to_currency = $currency
                              AND fw.rate_date = fx_day(rate_date('won_lost', o.created_date, o.close_date, $as_of, $start_date))
    WHERE (CAST($region AS VARCHAR) IS NULL OR o.region = $region) AND owned_by(o.owner_id, CAST($owner AS VARCHAR))
),
money AS (
    SELECT
        coalesce(sum(created_rep) FILTER (WHERE created_date BETWEEN w.cur_start AND w.cur_end), 0) AS created_cur,
        coalesce(sum(created_rep) FILTER (WHERE created_date BETWEEN w.prev_start AND w.prev_end), 0) AS created_prev,
        coalesce(sum(closed_rep) FILTER (WHERE stage_category = 'won' AND close_date BETWEEN w.cur_start AND w.cur_end), 0) AS won_cur,
        coalesce(sum(closed_rep) FILTER (WHERE stage_category = 'won' AND close_date BETWEEN w.prev_start AND w.prev_end), 0) AS won_prev,
        coalesce(sum(closed_rep) FILTER (WHERE stage_category = 'won' AND close_date BETWEEN q.q_start AND w.cur_end), 0) AS qtd_now,
        coalesce(sum(closed_rep) FILTER (WHERE stage_category = 'won' AND close_date BETWEEN q.q_start AND w.prev_end), 0) AS qtd_then
    FROM deals, w, q
),
sla AS (  -- each window judged at its own end (pending MQLs are left out, as on the SLA page)
    SELECT
        (SELECT count(*) FILTER (WHERE wall_ok) / nullif(count(wall_ok), 0)
         FROM mqls_judged(CAST($since AS DATE) + 1, CAST($as_of AS DATE), $as_of, $region, $owner)) AS cur,
        (SELECT count(*) FILTER (WHERE wall_ok) / nullif(count(wall_ok), 0)
         FROM mqls_judged(CAST($since AS DATE) + 1 - CAST(CAST($as_of AS DATE) - CAST($since AS DATE) AS INTEGER), CAST($since AS DATE), $since, $region, $owner)) AS prev
),
quota AS (
    SELECT nullif(sum(convert_money(s.amount, fx.factor)), 0) AS quota
    FROM stg_quotas s, q
    JOIN stg_users u ON u.user_id = s.owner_id
    JOIN fx_conversion fx ON fx.from_currency = s.currency_code AND fx.to_currency = $currency
                         AND fx.rate_date = fx_day(q.q_start)
    WHERE s.period_start_date BETWEEN q.q_start AND CAST(q.q_start + INTERVAL 3 MONTH AS DATE) - 1
      AND (CAST($region AS VARCHAR) IS NULL OR u.region = $region) AND owned_by(u.user_id, CAST($owner AS VARCHAR))
)
SELECT measure, previous, current, current - previous AS change
FROM (
    SELECT 1 AS position, 'MQLs handed off' AS measure, CAST(prev AS DOUBLE) AS previous, CAST(cur AS DOUBLE) AS current
    FROM handoffs
    UNION ALL SELECT 2, 'Pipeline created', CAST(created_prev AS DOUBLE), CAST(created_cur AS DOUBLE) FROM money
    UNION ALL SELECT 3, 'Bookings', CAST(won_prev AS DOUBLE), CAST(won_cur AS DOUBLE) FROM money
    UNION ALL SELECT 4, 'SLA compliance', prev, cur FROM sla
    UNION ALL SELECT 5, 'Attainment to date', CAST(qtd_then AS DOUBLE) / (SELECT quota FROM quota),
                        CAST(qtd_now AS DOUBLE) / (SELECT quota FROM quota) FROM money
)
ORDER BY position
