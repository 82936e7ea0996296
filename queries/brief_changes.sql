-- What changed since the last 1:1
-- Summary: What changed between your last 1:1 and now: MQLs handed off, pipeline created, bookings, SLA and attainment.
-- Between the `since` date (exclusive) and the as-of date (inclusive), against the window of the
-- same length just before it, each window read as it stood at its own end: MQLs handed off to sales,
-- pipeline created (reporting currency at creation), bookings (won, at the close date), SLA compliance of
-- the window's MQLs (wall-clock; pending MQLs left out, as on the SLA page), and quarter-to-date quota
-- attainment at each end (the quarter of the as-of date; the same bookings and quota as Quota attainment).
-- Grain: one row per measure. Filters: region, segment, owner or team (NULL = all); no quota applies to a
-- segment, so attainment is empty with a segment filter.
-- The window before starts at window_before(since, as_of) and ends on `since`.
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH quarter_quota AS (
    SELECT CASE WHEN cast($segment AS VARCHAR) IS NULL THEN nullif(sum(amount_rep), 0) END AS quota
    FROM quota_in_period(fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $currency, $region, $owner)
),

measure_rows AS (
    -- one branch per measure, each with its own subqueries: planned as five small joins, not one of eleven
    -- (ordering the joins of one row of eleven subqueries was half of this query's time at medium)
    SELECT
        1 AS position,
        'MQLs handed off' AS measure,
        cast((
            SELECT count(*)
            FROM mql_funnel(window_before($since, $as_of), $since, $since, $region, $segment, $owner)
            WHERE is_handed_off
        ) AS DOUBLE) AS previous,
        cast((
            SELECT count(*) FROM mql_funnel(cast($since AS DATE) + 1, $as_of, $as_of, $region, $segment, $owner)
            WHERE is_handed_off
        ) AS DOUBLE) AS current
    UNION ALL
    SELECT
        2,
        'Pipeline created',
        cast((
            SELECT coalesce(sum(amount_rep), 0)
            FROM pipeline_in_period(window_before($since, $as_of), $since, $since, $currency, $region, $segment, $owner)
        ) AS DOUBLE),
        cast((
            SELECT coalesce(sum(amount_rep), 0)
            FROM pipeline_in_period(cast($since AS DATE) + 1, $as_of, $as_of, $currency, $region, $segment, $owner)
        ) AS DOUBLE)
    UNION ALL
    SELECT
        3,
        'Bookings',
        cast((
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings(window_before($since, $as_of), $since, $since, $currency, $region, $segment, $owner)
        ) AS DOUBLE),
        cast((
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings(cast($since AS DATE) + 1, $as_of, $as_of, $currency, $region, $segment, $owner)
        ) AS DOUBLE)
    UNION ALL
    SELECT
        4,
        'SLA compliance',
        (
            SELECT count(*) FILTER (WHERE wall_ok) / nullif(count(wall_ok), 0)
            FROM mqls_judged(window_before($since, $as_of), $since, $since, $region, $segment, $owner)
        ),
        (
            SELECT count(*) FILTER (WHERE wall_ok) / nullif(count(wall_ok), 0)
            FROM mqls_judged(cast($since AS DATE) + 1, $as_of, $as_of, $region, $segment, $owner)
        )
    UNION ALL
    SELECT
        5,
        'Attainment to date',
        cast((
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings(fiscal_quarter_of($as_of), $since, $since, $currency, $region, $segment, $owner)
        ) AS DOUBLE) / (
            SELECT quota FROM quarter_quota
        ),
        cast((
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings(fiscal_quarter_of($as_of), $as_of, $as_of, $currency, $region, $segment, $owner)
        ) AS DOUBLE) / (
            SELECT quota FROM quarter_quota
        )
)

SELECT measure, previous, current, current - previous AS change
FROM measure_rows
ORDER BY position
