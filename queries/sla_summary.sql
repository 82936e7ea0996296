-- Follow-up SLA, all regions together
-- Summary: The share of MQLs sales followed up within their region's target, with the untouched, ignored and pending ones.
-- The totals of Follow-up SLA by region over every region in view, from the same judgement (mqls_judged):
-- MQLs from start_date to end_date (up to the as-of date); within target in wall-clock minutes and in
-- business minutes, over the MQLs judged (touched, or untouched past their target by the end of the as-of
-- day; pending ones are left out of the rates); untouched past target; ignored (no touch within
-- sla.ignored_after_days days); the median wall-clock response of the MQLs touched by then.
-- Grain: one row. Filters: region, segment, owner or team (NULL = all).
SELECT
    count(*) AS mqls,
    count(wall_ok) AS judged,
    count(business_ok) AS judged_business,
    count(wall) AS touched,
    count(*) FILTER (WHERE wall_ok) AS within_target,
    count(*) FILTER (WHERE business_ok) AS within_target_business,
    count(*) FILTER (WHERE wall_ok) / nullif(count(wall_ok), 0) AS compliance,
    count(*) FILTER (WHERE business_ok) / nullif(count(business_ok), 0) AS compliance_business,
    count(*) FILTER (WHERE wall IS NULL AND wall_ok = FALSE) AS breached_untouched,
    count(*) FILTER (WHERE wall_ok IS NULL) AS pending,
    count(*) FILTER (WHERE is_ignored) AS ignored,
    median(wall) AS median_minutes,
    min(target_minutes) AS min_target_minutes,
    max(target_minutes) AS max_target_minutes
FROM mqls_judged($start_date, $end_date, $as_of, $region, $segment, $owner)
