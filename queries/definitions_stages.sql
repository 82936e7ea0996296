-- Stage mapping
-- Summary: Which CRM stages count as open, won and lost.
-- Every stage name in the definitions and in the data, the category it counts as (open, won or
-- lost) and how many opportunities are in it; stages in the data but not in the definitions are
-- "unmapped" and fall back on the export's IsClosed/IsWon flags. Grain: one row per stage name.
SELECT
    coalesce(c.stage_name, o.stage_name) AS stage_name,
    coalesce(c.stage_category, 'unmapped (' || any_value(o.stage_category) || ')') AS counts_as,
    count(o.opportunity_id) AS opportunities
FROM cfg_stage c
FULL OUTER JOIN stg_opportunities o ON o.stage_name = c.stage_name
GROUP BY coalesce(c.stage_name, o.stage_name), c.stage_category
ORDER BY counts_as, stage_name
