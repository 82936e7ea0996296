-- Owners of a region
-- Summary: The owners and teams the owner filter offers to someone who sees only some regions.
-- The owner choices of Filter choices whose user belongs to the region (the user's region, else the
-- unknown region), so that a region-limited reader is not shown the names of other regions' people.
-- Grain: one row per owner. Filter: region (NULL = all).
SELECT
    c.value,
    c.label,
    c.position
FROM filter_choice c
INNER JOIN stg_users u ON c.value = u.user_id
WHERE
    c.kind = 'owner'
    AND (cast($region AS VARCHAR) IS NULL OR coalesce(u.region, unknown_region()) = $region)
ORDER BY c.position, c.value
