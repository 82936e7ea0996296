-- mql_funnel(p_start, p_end, p_as_of, p_region, p_owner): the MQL stages of the lead funnel, in one place.
-- The MQLs from p_start to p_end (filters: region, owner or team; NULL = all) with is_handed_off (owned by a
-- sales user, not a queue), is_accepted (a human sales touch by the end of the as-of day), is_converted (the
-- lead became an opportunity) and is_won (that opportunity is won).
CREATE MACRO mql_funnel(p_start, p_end, p_as_of, p_region, p_owner) AS TABLE
SELECT m.*,
       NOT m.is_queue_owned AND coalesce(u.is_sales, false) AS is_handed_off,
       coalesce(m.first_touch_at < CAST(p_as_of AS DATE) + INTERVAL 1 DAY, false) AS is_accepted,
       o.opportunity_id IS NOT NULL AS is_converted,
       coalesce(o.stage_category = 'won', false) AS is_won
FROM mql m
LEFT JOIN stg_users u ON u.user_id = m.owner_id
LEFT JOIN stg_opportunities o ON o.opportunity_id = m.opportunity_id
WHERE m.mql_date BETWEEN p_start AND p_end
  AND (CAST(p_region AS VARCHAR) IS NULL OR m.region = p_region) AND owned_by(m.owner_id, CAST(p_owner AS VARCHAR));
