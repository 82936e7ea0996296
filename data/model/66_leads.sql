-- leads_in_period(p_start, p_end, p_as_of, p_region, p_segment, p_owner): the leads created from p_start
-- to p_end (at most p_as_of), filtered by region (the owner's, else the country's), segment (from the
-- lead's employees, by the segments definitions) and owner or team (NULL = all).
CREATE MACRO leads_in_period(p_start, p_end, p_as_of, p_region, p_segment, p_owner) AS TABLE
    SELECT l.*
    FROM stg_leads l
    WHERE l.created_date BETWEEN p_start AND least(cast(p_end AS DATE), cast(p_as_of AS DATE))
        AND (cast(p_region AS VARCHAR) IS NULL OR l.region = p_region)
        AND (cast(p_segment AS VARCHAR) IS NULL OR l.segment = p_segment)
        AND owned_by(l.owner_id, cast(p_owner AS VARCHAR));
