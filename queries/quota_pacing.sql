-- Quota pacing
-- Day by day through the fiscal quarter holding the as-of date: cumulative won (converted at the
-- close date; up to the as-of date), the quota line reached linearly, and the typical line: where
-- the past four quarters stood on the same day of their quarter, as an average share of their
-- final won amount, applied to this quarter's quota. pacing_linear and pacing_typical compare won
-- with each line (1 = on track). Quota: the reps in the region filter (see Quota attainment).
-- Grain: one row per day of the quarter. Filters: region, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH fy AS (SELECT CAST(value AS INTEGER) AS m FROM cfg_setting WHERE key = 'fiscal_year_start_month'),
quarters AS (
    SELECT k, CAST(fiscal_quarter_start($as_of, (SELECT m FROM fy)) - to_months(3 * k) AS DATE) AS q_start
    FROM range(0, 5) t(k)
),
bounds AS (SELECT k, q_start, CAST(q_start + INTERVAL 3 MONTH AS DATE) - 1 AS q_end FROM quarters),
won AS (
    SELECT b.k, date_diff('day', b.q_start, o.close_date) + 1 AS day, convert_money(o.amount, fx.factor) AS amount
    FROM bounds b
    JOIN stg_opportunities o ON o.stage_category = 'won' AND o.close_date BETWEEN b.q_start AND b.q_end
    JOIN fx_conversion fx ON fx.from_currency = o.currency_code AND fx.to_currency = $currency
                         AND fx.rate_date = fx_day(rate_date('won_lost', o.created_date, o.close_date, $as_of, b.q_start))
    WHERE (CAST($region AS VARCHAR) IS NULL OR o.region = $region) AND owned_by(o.owner_id, CAST($owner AS VARCHAR))
      AND (b.k > 0 OR o.close_date <= $as_of)
),
cur AS (SELECT q_start, q_end, date_diff('day', q_start, q_end) + 1 AS days FROM bounds WHERE k = 0),
days AS (SELECT unnest(range(1, (SELECT days FROM cur) + 1)) AS day),
past_totals AS (SELECT k, sum(amount) AS total FROM won WHERE k > 0 GROUP BY k HAVING sum(amount) > 0),
typical AS (
    SELECT d.day, avg(coalesce((SELECT sum(w.amount) FROM won w WHERE w.k = p.k AND w.day <= d.day), 0) / p.total) AS share
    FROM days d CROSS JOIN past_totals p
    GROUP BY d.day
),
quota AS (
    SELECT coalesce(sum(convert_money(s.amount, fx.factor)), 0) AS quota
    FROM stg_quotas s
    JOIN stg_users u ON u.user_id = s.owner_id
    JOIN fx_conversion fx ON fx.from_currency = s.currency_code AND fx.to_currency = $currency
                         AND fx.rate_date = fx_day((SELECT q_start FROM cur))
    WHERE s.period_start_date BETWEEN (SELECT q_start FROM cur) AND (SELECT q_end FROM cur)
      AND (CAST($region AS VARCHAR) IS NULL OR u.region = $region) AND owned_by(u.user_id, CAST($owner AS VARCHAR))
),
series AS (
    SELECT
        d.day,
        CAST((SELECT q_start FROM cur) + to_days(CAST(d.day - 1 AS INTEGER)) AS DATE) AS date,
        (SELECT quota FROM quota) AS quota,
        (SELECT quota FROM quota) * d.day / (SELECT days FROM cur) AS linear_target,
        (SELECT quota FROM quota) * t.share AS typical_target,
        coalesce((SELECT sum(w.amount) FROM won w WHERE w.k = 0 AND w.day <= d.day), 0) AS won_to_date
    FROM days d LEFT JOIN typical t USING (day)
)
SELECT
    day, date, quota, linear_target, typical_target,
    CASE WHEN date <= $as_of THEN won_to_date END AS won_to_date,
    CASE WHEN date = $as_of THEN won_to_date / nullif(linear_target, 0) END AS pacing_linear,
    CASE WHEN date = $as_of THEN won_to_date / nullif(typical_target, 0) END AS pacing_typical
FROM series
ORDER BY day
