-- mqls_in_period(p_start, p_end, p_as_of, p_region, p_segment, p_owner): the MQLs counted in a period, in
-- one place: people whose MQL moment falls from p_start to p_end (at most p_as_of), filtered by region,
-- segment (the contact's account's, else the lead's employees band) and owner or team (NULL = all).
CREATE MACRO mqls_in_period(p_start, p_end, p_as_of, p_region, p_segment, p_owner) AS TABLE
    SELECT m.*
    FROM mql m
    WHERE m.mql_date BETWEEN p_start AND least(cast(p_end AS DATE), cast(p_as_of AS DATE))
        AND (cast(p_region AS VARCHAR) IS NULL OR m.region = p_region)
        AND (cast(p_segment AS VARCHAR) IS NULL OR m.segment = p_segment)
        AND owned_by(m.owner_id, cast(p_owner AS VARCHAR));

-- mql_funnel(p_start, p_end, p_as_of, p_region, p_segment, p_owner): the MQL stages of the lead funnel, in
-- one place. The MQLs of mqls_in_period with is_handed_off (owned by a sales user, not a queue),
-- is_accepted (a human sales touch by the end of the as-of day), is_converted (the lead became an
-- opportunity created by the as-of date) and is_won (that opportunity was won by then).
CREATE MACRO mql_funnel(p_start, p_end, p_as_of, p_region, p_segment, p_owner) AS TABLE
    SELECT
        m.*,
        NOT m.is_queue_owned AND coalesce(u.is_sales, FALSE) AS is_handed_off,
        coalesce(m.first_touch_at < cast(p_as_of AS DATE) + INTERVAL 1 DAY, FALSE) AS is_accepted,
        o.opportunity_id IS NOT NULL AS is_converted,
        coalesce(o.stage_category = 'won', FALSE) AS is_won
    FROM mqls_in_period(p_start, p_end, p_as_of, p_region, p_segment, p_owner) m
    LEFT JOIN stg_users u ON u.user_id = m.owner_id
    LEFT JOIN deals_at(p_as_of, NULL, NULL, NULL) o ON o.opportunity_id = m.opportunity_id;
