-- Leads behind a number
-- Summary: The leads created this quarter behind the number you clicked, with the same filters.
-- The leads of leads_in_period: created from start_date to end_date (up to the as-of date), with the page's
-- region, segment and owner or team. Grain: one row per lead, newest first, at most `limit` rows from
-- `offset`; rows_total counts every row.
SELECT
    l.full_name AS person, l.company, l.region, l.segment, u.user_name AS owner, l.lead_source, l.persona,
    l.created_date, l.lead_id,
    count(*) OVER () AS rows_total
FROM leads_in_period($start_date, $end_date, $as_of, $region, $segment, $owner) l
LEFT JOIN stg_users u ON u.user_id = l.owner_id
ORDER BY l.created_date DESC, l.lead_id
LIMIT $limit OFFSET $offset
