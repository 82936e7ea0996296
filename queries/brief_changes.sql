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
WITH measures AS (
    SELECT
        (
            SELECT count(*) FROM mql_funnel(cast($since AS DATE) + 1, $as_of, $as_of, $region, $segment, $owner)
            WHERE is_handed_off
        ) AS handoffs_cur,
        (
            SELECT count(*)
            FROM mql_funnel(window_before($since, $as_of), $since, $since, $region, $segment, $owner)
            WHERE is_handed_off
        ) AS handoffs_prev,
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM pipeline_in_period(cast($since AS DATE) + 1, $as_of, $as_of, $currency, $region, $segment, $owner)
        ) AS created_cur,
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM pipeline_in_period(window_before($since, $as_of), $since, $since, $currency, $region, $segment, $owner)
        ) AS created_prev,
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings(cast($since AS DATE) + 1, $as_of, $as_of, $currency, $region, $segment, $owner)
        ) AS won_cur,
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings(window_before($since, $as_of), $since, $since, $currency, $region, $segment, $owner)
        ) AS won_prev,
        (
            SELECT count(*) FILTER (WHERE wall_ok) / nullif(count(wall_ok), 0)
            FROM mqls_judged(cast($since AS DATE) + 1, $as_of, $as_of, $region, $segment, $owner)
        ) AS sla_cur,
        (
            SELECT count(*) FILTER (WHERE wall_ok) / nullif(count(wall_ok), 0)
            FROM mqls_judged(window_before($since, $as_of), $since, $since, $region, $segment, $owner)
        ) AS sla_prev,
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings(fiscal_quarter_of($as_of), $as_of, $as_of, $currency, $region, $segment, $owner)
        ) AS qtd_now,
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings(fiscal_quarter_of($as_of), $since, $since, $currency, $region, $segment, $owner)
        ) AS qtd_then,
        (
            SELECT CASE WHEN cast($segment AS VARCHAR) IS NULL THEN nullif(sum(amount_rep), 0) END
            FROM quota_in_period(fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $currency, $region, $owner)
        ) AS quota
)

SELECT measure, previous, current, current - previous AS change
FROM (
    SELECT
        1 AS position, 'MQLs handed off' AS measure, cast(handoffs_prev AS DOUBLE) AS previous,
        cast(handoffs_cur AS DOUBLE) AS current
    FROM measures
    UNION ALL
    SELECT 2, 'Pipeline created', cast(created_prev AS DOUBLE), cast(created_cur AS DOUBLE) FROM measures
    UNION ALL
    SELECT 3, 'Bookings', cast(won_prev AS DOUBLE), cast(won_cur AS DOUBLE) FROM measures
    UNION ALL
    SELECT 4, 'SLA compliance', sla_prev, sla_cur FROM measures
    UNION ALL
    SELECT 5, 'Attainment to date', cast(qtd_then AS DOUBLE) / quota, cast(qtd_now AS DOUBLE) / quota FROM measures
) AS measure_rows
ORDER BY position
