-- mqls_judged(p_start, p_end, p_as_of, p_region, p_segment, p_owner): the follow-up SLA judgement, in one place.
-- The MQLs of mqls_in_period (from p_start to p_end, at most p_as_of; filters: region, segment, owner or
-- team; NULL = all) as seen at the end of the
-- as-of day: wall and business = minutes to the first human sales touch if it happened by then;
-- open_minutes = minutes from the MQL to the end of the as-of day. wall_ok / business_ok: touched within
-- the region's target (true), untouched past it or touched late (false), untouched and still within it
-- (NULL: pending, left out of rates). is_ignored: no touch within sla.ignored_after_days days.
CREATE MACRO mqls_judged(p_start, p_end, p_as_of, p_region, p_segment, p_owner) AS TABLE
    WITH seen AS (
        SELECT
            f.*,
            CASE WHEN f.first_touch_at < cast(cast(p_as_of AS DATE) + INTERVAL 1 DAY AS TIMESTAMP)
                    THEN f.response_minutes
            END AS wall,
            CASE WHEN f.first_touch_at < cast(cast(p_as_of AS DATE) + INTERVAL 1 DAY AS TIMESTAMP)
                    THEN f.response_business_minutes
            END AS business,
            cast(date_diff('second', f.mql_at, cast(cast(p_as_of AS DATE) + INTERVAL 1 DAY AS TIMESTAMP)) AS DOUBLE)
            / 60 AS open_minutes,
            cast((SELECT value FROM cfg_setting WHERE key = 'ignored_after_days') AS INTEGER) * 1440 AS ignored_minutes
        FROM mql_followup f
        WHERE f.mql_date BETWEEN p_start AND least(cast(p_end AS DATE), cast(p_as_of AS DATE))
            AND (cast(p_region AS VARCHAR) IS NULL OR f.region = p_region)
            AND (cast(p_segment AS VARCHAR) IS NULL OR f.segment = p_segment)
            AND owned_by(f.owner_id, cast(p_owner AS VARCHAR))
    )

    SELECT
        *,
        CASE WHEN wall IS NOT NULL THEN wall <= target_minutes WHEN open_minutes > target_minutes THEN FALSE END AS wall_ok,
        CASE WHEN business IS NOT NULL THEN business <= target_minutes
            WHEN open_minutes > target_minutes THEN FALSE
        END AS business_ok,
        (wall IS NULL AND open_minutes > ignored_minutes) OR wall > ignored_minutes AS is_ignored
    FROM seen;
