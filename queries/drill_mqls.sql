-- MQLs behind a number
-- Summary: The MQLs behind the number you clicked, with the same filters; there are as many rows as the number counts.
-- The records of one MQL measure, read from its own building block with the page's filters: MQLs,
-- handed off, accepted, converted and won (mql_funnel); judged for the SLA (touched, or untouched past
-- target: the rows behind a compliance rate, within_sla = yes for those within target), touched,
-- untouched past target, ignored and pending (mqls_judged). A slice narrows to one bar or point:
-- slice_kind "week" (Monday of the MQL's week, YYYY-MM-DD), "bin" (5-minute bin of the first touch),
-- "bucket" (response band), "sla_region" (region), or a lead funnel split ("source", "persona",
-- "channel"), equal to slice_value. Grain: one row per MQL, oldest first, at most `limit` rows from
-- `offset`; rows_total counts every row. Filters: region, segment, owner or team (NULL = all).
WITH funnel AS (
    SELECT f.*, j.wall, j.business, j.wall_ok, j.business_ok, j.is_ignored, j.target_minutes
    FROM mql_funnel($start_date, $end_date, $as_of, $region, $segment, $owner) f
    JOIN mqls_judged($start_date, $end_date, $as_of, $region, $segment, $owner) j ON j.person_id = f.person_id
),

picked AS (
    SELECT * FROM funnel
    WHERE CASE $measure
            WHEN 'mqls' THEN TRUE
            WHEN 'handed_off' THEN is_handed_off
            WHEN 'accepted' THEN is_accepted
            WHEN 'converted' THEN is_converted
            WHEN 'won' THEN is_won
            WHEN 'judged' THEN wall_ok IS NOT NULL
            WHEN 'judged_business' THEN business_ok IS NOT NULL
            WHEN 'touched' THEN wall IS NOT NULL
            WHEN 'breached_untouched' THEN wall IS NULL AND wall_ok = FALSE
            WHEN 'ignored' THEN is_ignored
            WHEN 'pending' THEN wall_ok IS NULL
        END
),

sliced AS (
    SELECT p.*
    FROM picked p
    WHERE cast($slice_kind AS VARCHAR) IS NULL
        OR ($slice_kind = 'week' AND cast(date_trunc('week', p.mql_date) AS DATE) = cast($slice_value AS DATE))
        OR ($slice_kind = 'bin' AND p.wall IS NOT NULL AND response_bin(p.wall) = cast($slice_value AS INTEGER))
        OR ($slice_kind = 'bucket' AND response_bucket(p.wall) = $slice_value)
        OR ($slice_kind = 'sla_region' AND p.region = $slice_value)
        OR ($slice_kind = 'source' AND coalesce(p.lead_source, '(none)') = $slice_value)
        OR ($slice_kind = 'persona' AND coalesce(p.persona, '(none)') = $slice_value)
        OR ($slice_kind = 'channel' AND coalesce(p.channel, '(none)') = $slice_value)
        OR ($slice_kind = 'region' AND coalesce(p.region, '(none)') = $slice_value)
)

SELECT
    coalesce(l.full_name, c.full_name, s.person_id) AS person,
    coalesce(l.company, a.account_name) AS company,
    s.region, s.segment, u.user_name AS owner, cp.campaign_name AS hand_raise_campaign, s.channel, s.lead_source,
    s.persona, s.mql_at, s.first_touch_at, s.wall AS response_minutes, s.business AS response_business_minutes,
    s.target_minutes, s.wall_ok, s.is_handed_off, s.is_accepted, s.is_converted, s.is_ignored, s.person_id,
    count(*) OVER () AS rows_total,
    count(*) FILTER (WHERE s.wall_ok) OVER () AS within_sla_total
FROM sliced s
LEFT JOIN stg_leads l ON l.lead_id = s.lead_id
LEFT JOIN stg_contacts c ON c.contact_id = s.contact_id
LEFT JOIN stg_accounts a ON a.account_id = c.account_id
LEFT JOIN stg_users u ON u.user_id = s.owner_id
LEFT JOIN stg_campaigns cp ON cp.campaign_id = s.campaign_id
ORDER BY s.mql_at, s.person_id
LIMIT $limit OFFSET $offset
