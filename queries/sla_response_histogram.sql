-- Response time distribution
-- MQLs from start_date to end_date touched by the end of the as-of date, counted by wall-clock
-- minutes from MQL to first human sales touch in 5-minute bins up to two hours; slower ones fall
-- in the last bin (bin_start 120). Grain: one row per bin with MQLs.
-- Filters: region, owner or team (NULL = all).
SELECT
    CAST(least(floor(response_minutes / 5) * 5, 120) AS INTEGER) AS bin_start,
    count(*) AS mqls
FROM mql_followup
WHERE mql_date BETWEEN $start_date AND $end_date
  AND first_touch_at < CAST($as_of AS DATE) + INTERVAL 1 DAY
  AND (CAST($region AS VARCHAR) IS NULL OR region = $region) AND owned_by(owner_id, CAST($owner AS VARCHAR))
GROUP BY 1
ORDER BY 1
