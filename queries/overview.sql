-- Overview
-- Summary: Marketing's and sales' headline numbers for the quarter, from the same rules as every page.
-- Marketing's and sales' headline numbers side by side, from start_date (the quarter's start) to the
-- as-of date, each from the same building block as its own page, so the Overview and the pages always
-- agree: MQLs, handed off and accepted (Lead funnel); follow-up SLA compliance, wall clock, of the MQLs
-- judged by the as-of date (Follow-up SLA); pipeline created, marketing-sourced and marketing-influenced
-- (Pipeline generated, Pipeline influenced); bookings, quota, attainment, open pipeline closing by the
-- quarter's end and coverage (Quota attainment, for the fiscal quarter holding the as-of date).
-- Quotas are per owner, not per segment: with a segment filter quota, attainment and coverage are empty.
-- Grain: one row. Filters: region, segment, owner or team (NULL = all).
WITH funnel AS (
    SELECT
        count(*) AS mqls, count(*) FILTER (WHERE is_handed_off) AS handed_off,
        count(*) FILTER (WHERE is_accepted) AS accepted
    FROM mql_funnel($start_date, $end_date, $as_of, $region, $segment, $owner)
),

sla AS (
    SELECT count(*) FILTER (WHERE wall_ok) AS within_target, count(wall_ok) AS judged
    FROM mqls_judged($start_date, $end_date, $as_of, $region, $segment, $owner)
),

pipeline AS (
    SELECT
        coalesce(sum(p.amount_rep), 0) AS pipeline,
        coalesce(sum(p.amount_rep) FILTER (WHERE s.is_marketing_sourced), 0) AS marketing_pipeline,
        coalesce(sum(p.amount_rep) FILTER (WHERE p.is_influenced), 0) AS influenced_pipeline,
        count(*) FILTER (WHERE p.factor IS NULL) AS unconverted
    FROM pipeline_with_influence($start_date, $end_date, $as_of, $currency, $region, $segment, $owner) p
    JOIN opportunity_source s ON s.opportunity_id = p.opportunity_id
),

sales AS (
    SELECT
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings(fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $as_of, $currency, $region, $segment, $owner))
            AS won,
        (
            SELECT CASE WHEN cast($segment AS VARCHAR) IS NULL THEN coalesce(sum(amount_rep), 0) END
            FROM quota_in_period(fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $currency, $region, $owner)
        ) AS quota,
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM open_pipeline_at(
                    fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $as_of, $currency, $region, $segment,
                    $owner
                )
        ) AS open_pipeline
)

SELECT
    f.mqls, f.handed_off, f.accepted,
    s.within_target / nullif(s.judged, 0) AS sla_compliance,
    p.pipeline, p.marketing_pipeline, p.influenced_pipeline,
    x.won, x.quota, cast(x.won AS DOUBLE) / nullif(x.quota, 0) AS attainment, x.open_pipeline,
    cast(x.open_pipeline AS DOUBLE) / nullif(greatest(x.quota - x.won, 0), 0) AS coverage,
    p.unconverted
FROM funnel f CROSS JOIN sla s CROSS JOIN pipeline p CROSS JOIN sales x
