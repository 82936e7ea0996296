-- Conversion by response time
-- Summary: How follow-up speed relates to MQLs becoming opportunities.
-- What slow follow-up costs: MQLs from start_date to end_date grouped by how fast sales first
-- touched them (wall-clock: 0-5 min, 5-15 min, 15-60 min, 1-4 h, 4-24 h, over 1 day, never by the
-- as-of date) and the share that became an opportunity.
-- Grain: one row per response-time bucket. Filters: region, segment, owner or team (NULL = all).
WITH m AS (SELECT * FROM mqls_judged($start_date, $end_date, $as_of, $region, $segment, $owner)),

buckets AS (
    SELECT * FROM (
        VALUES (1, '0-5 min', 0, 5), (2, '5-15 min', 5, 15), (3, '15-60 min', 15, 60), (4, '1-4 h', 60, 240),
        (5, '4-24 h', 240, 1440), (6, 'over 1 day', 1440, NULL), (7, 'never', NULL, NULL)
    ) AS t (position, bucket, lo, hi)  -- noqa: AL05
)

SELECT
    b.bucket,
    count(m.person_id) AS mqls,
    count(m.opportunity_id) AS converted,
    count(m.opportunity_id) / nullif(count(m.person_id), 0) AS conversion_rate
FROM buckets b
LEFT JOIN m ON response_bucket(m.wall) = b.bucket
GROUP BY b.position, b.bucket
ORDER BY b.position
