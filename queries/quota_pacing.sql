-- Quota pacing
-- Summary: Bookings to date against the quota line, the even pace and the pace of a typical past quarter.
-- Day by day through the fiscal quarter holding the as-of date: cumulative bookings (see Quota
-- attainment; up to the as-of date), the quota line reached linearly, and the typical line: where the
-- past four quarters stood on the same day of their quarter, as an average share of their final
-- bookings, applied to this quarter's quota. pacing_linear and pacing_typical compare bookings with
-- each line at the as-of date (1 = on track). Quotas are per owner, not per segment: with a segment
-- filter the quota lines are empty.
-- Grain: one row per day of the quarter. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH cur AS (
    SELECT
        fiscal_quarter_of($as_of) AS q_start, fiscal_quarter_end($as_of) AS q_end,
        date_diff('day', fiscal_quarter_of($as_of), fiscal_quarter_end($as_of)) + 1 AS days
),

won AS (
    -- this quarter to the as-of date, and the four before it in full (as known at the as-of date)
    SELECT 0 AS k, close_date, amount_rep AS amount
    FROM bookings(fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $as_of, $currency, $region, $segment, $owner)
    UNION ALL
    SELECT 1, close_date, amount_rep
    FROM bookings(
            fiscal_quarter_back($as_of, 1), fiscal_quarter_end(fiscal_quarter_back($as_of, 1)), $as_of, $currency,
            $region, $segment, $owner
        )
    UNION ALL
    SELECT 2, close_date, amount_rep
    FROM bookings(
            fiscal_quarter_back($as_of, 2), fiscal_quarter_end(fiscal_quarter_back($as_of, 2)), $as_of, $currency,
            $region, $segment, $owner
        )
    UNION ALL
    SELECT 3, close_date, amount_rep
    FROM bookings(
            fiscal_quarter_back($as_of, 3), fiscal_quarter_end(fiscal_quarter_back($as_of, 3)), $as_of, $currency,
            $region, $segment, $owner
        )
    UNION ALL
    SELECT 4, close_date, amount_rep
    FROM bookings(
            fiscal_quarter_back($as_of, 4), fiscal_quarter_end(fiscal_quarter_back($as_of, 4)), $as_of, $currency,
            $region, $segment, $owner
        )
),

won_day AS (
    SELECT k, date_diff('day', fiscal_quarter_of(close_date), close_date) + 1 AS day, amount FROM won WHERE amount IS NOT NULL
),

days AS (SELECT unnest(range(1, (SELECT days FROM cur) + 1)) AS day),

past_totals AS (SELECT k, sum(amount) AS total FROM won_day WHERE k > 0 GROUP BY k HAVING sum(amount) > 0),

typical AS (
    SELECT
        d.day, avg(
            cast(coalesce((SELECT sum(w.amount) FROM won_day w WHERE w.k = p.k AND w.day <= d.day), 0) AS DOUBLE) / p.total
        )
            AS share
    FROM days d CROSS JOIN past_totals p
    GROUP BY d.day
),

quota AS (
    SELECT CASE WHEN cast($segment AS VARCHAR) IS NULL THEN coalesce(sum(amount_rep), 0) END AS quota
    FROM quota_in_period(fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $currency, $region, $owner)
),

series AS (
    SELECT
        d.day,
        cast((SELECT q_start FROM cur) + to_days(cast(d.day - 1 AS INTEGER)) AS DATE) AS date,
        (SELECT quota FROM quota) AS quota,
        cast((SELECT quota FROM quota) AS DOUBLE) * d.day / (SELECT days FROM cur) AS linear_target,
        (SELECT quota FROM quota) * t.share AS typical_target,
        coalesce((SELECT sum(w.amount) FROM won_day w WHERE w.k = 0 AND w.day <= d.day), 0) AS won_to_date
    FROM days d LEFT JOIN typical t USING (day)
)

SELECT
    day, date, quota, linear_target, typical_target,
    CASE WHEN date <= $as_of THEN won_to_date END AS won_to_date,
    CASE WHEN date = $as_of THEN cast(won_to_date AS DOUBLE) / nullif(linear_target, 0) END AS pacing_linear,
    CASE WHEN date = $as_of THEN cast(won_to_date AS DOUBLE) / nullif(typical_target, 0) END AS pacing_typical
FROM series
ORDER BY day
