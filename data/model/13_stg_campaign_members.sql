-- stg_campaign_members: one row per marketing touch (a person's membership of a campaign).
-- touched_at: when the person joined the campaign (CreatedDate), kept to the second.
-- The person it touched is person_of(contact_id, lead_id) (31_macros.sql).
-- is_hand_raise: the person responded, and the campaign's type or the member status is a hand-raise
-- (statuses matched ignoring case: each distinct status is matched once, not each of tens of millions of touches).
CREATE TABLE stg_campaign_members AS
WITH hand_raise_status AS (
    SELECT s.status FROM (SELECT DISTINCT status FROM typed_campaign_member WHERE status IS NOT NULL) AS s
    WHERE lower(trim(s.status)) IN (SELECT value_lower FROM cfg_value WHERE list_name = 'hand_raise_status')
)

SELECT
    m.campaign_member_id,
    m.campaign_id,
    m.lead_id,
    m.contact_id,
    m.status,
    coalesce(m.has_responded, m.first_responded_date IS NOT NULL) AS has_responded,
    m.created_at AS touched_at,
    m.first_responded_date,
    coalesce(m.has_responded, m.first_responded_date IS NOT NULL)
    AND (
        coalesce(c.is_hand_raise, FALSE)
        OR m.status IN (SELECT status FROM hand_raise_status)
    ) AS is_hand_raise
FROM typed_campaign_member m
LEFT JOIN stg_campaigns c ON c.campaign_id = m.campaign_id;
