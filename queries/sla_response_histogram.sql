-- Response time distribution
-- Summary: How many MQLs were first touched after how many minutes.
-- MQLs from start_date to end_date touched by the end of the as-of date, counted by wall-clock
-- minutes from MQL to first human sales touch in 5-minute bins up to two hours; slower ones fall
-- in the last bin (bin_start 120). Grain: one row per bin with MQLs.
-- Filters: region, segment, owner or team (NULL = all).
SELECT
    response_bin(wall) AS bin_start,
    count(*) AS mqls
FROM mqls_judged($start_date, $end_date, $as_of, $region, $segment, $owner)
WHERE wall IS NOT NULL
GROUP BY 1
ORDER BY 1
