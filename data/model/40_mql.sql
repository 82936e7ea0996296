-- mql: one row per person who became a marketing-qualified lead, with the follow-up by sales.
-- mql_at: the person's first hand-raise touch (mql.rule = "hand_raise": a responded membership of
-- a hand-raise campaign type or member status), or the configured date field (mql.rule =
-- "date_field"), to the second. A person is the contact when there is one, else the lead (person_of).
-- first_touch_at: the first human sales touch (call, email or meeting by a sales user, not
-- automated) on the lead or the contact at or after mql_at. owner/region: the lead's (else the
-- contact's) owner and the region used for SLA clocks. segment: the contact's account's, else the
-- lead's employees band. person_name/company: the lead's (else the contact's) name and the lead's
-- company (else the contact's account), stored here so that lists of MQLs need not scan every lead.
-- channel: the hand-raise campaign's; an MQL from a date field has no campaign, so its lead source
-- through campaign_channels (matched like a campaign type), else the lead source itself (HubSpot's
-- Original Source, for example).
-- People whose lead or contact was deleted in the CRM (IsDeleted) are not MQLs.
CREATE TABLE mql AS
WITH rule AS (SELECT value AS rule FROM cfg_setting WHERE key = 'mql_rule'),

hand_raise AS (
    -- the first hand-raise per person (a filtered row_number, not QUALIFY: Spark has none)
    SELECT person_id, lead_id, contact_id, campaign_id, mql_at, campaign_member_id FROM (
        SELECT
            person_of(contact_id, lead_id) AS person_id, lead_id, contact_id, campaign_id, touched_at AS mql_at,
            campaign_member_id,
            row_number() OVER (PARTITION BY person_of(contact_id, lead_id) ORDER BY touched_at, campaign_member_id) AS rn
        FROM stg_campaign_members
        WHERE is_hand_raise AND (SELECT rule FROM rule) = 'hand_raise'
    ) AS first_hand_raise WHERE rn = 1
),

by_field AS (
    SELECT
        person_of(l.converted_contact_id, l.lead_id) AS person_id, l.lead_id, l.converted_contact_id AS contact_id,
        NULL::VARCHAR AS campaign_id, l.mql_field_at AS mql_at, NULL::VARCHAR AS campaign_member_id
    FROM stg_leads l WHERE l.mql_field_at IS NOT NULL AND (SELECT rule FROM rule) = 'date_field'
    UNION ALL
    SELECT c.contact_id AS person_id, NULL, c.contact_id, NULL, c.mql_field_at, NULL
    FROM stg_contacts c WHERE c.mql_field_at IS NOT NULL AND (SELECT rule FROM rule) = 'date_field'
),

people AS (
    SELECT * FROM hand_raise
    UNION ALL
    SELECT person_id, lead_id, contact_id, campaign_id, mql_at, campaign_member_id FROM (
        -- a converted lead and its contact may both carry a date: the earliest, the lead's on a tie
        SELECT *, row_number() OVER (PARTITION BY person_id ORDER BY mql_at, lead_id NULLS LAST) AS rn FROM by_field
    ) AS first_date WHERE rn = 1
),

with_lead AS (
    -- the lead a contact was converted from, when the touch only names the contact
    SELECT p.*, coalesce(p.lead_id, cl.lead_id) AS the_lead_id
    FROM people p
    LEFT JOIN (
        SELECT converted_contact_id, min(lead_id) AS lead_id FROM stg_leads
        WHERE converted_contact_id IS NOT NULL GROUP BY 1
    ) cl
        ON cl.converted_contact_id = p.contact_id
),

lead_touch AS (
    SELECT w.person_id, min(a.activity_at) AS at
    FROM with_lead w JOIN stg_activities a ON a.lead_id = w.the_lead_id AND a.activity_at >= w.mql_at
    WHERE a.is_human_sales_touch GROUP BY 1
),

contact_touch AS (
    SELECT w.person_id, min(a.activity_at) AS at
    FROM with_lead w JOIN stg_activities a ON a.contact_id = w.contact_id AND a.activity_at >= w.mql_at
    WHERE a.is_human_sales_touch GROUP BY 1
)

SELECT
    w.person_id,
    w.the_lead_id AS lead_id,
    w.contact_id,
    w.campaign_id,
    w.campaign_member_id,
    w.mql_at,
    cast(w.mql_at AS DATE) AS mql_date,
    coalesce(l.owner_id, c.owner_id) AS owner_id,
    coalesce(l.is_queue_owned, c.owner_id IS NULL) AS is_queue_owned,
    coalesce(u.region, l.region, (SELECT value FROM cfg_setting WHERE key = 'unknown_region')) AS region,
    coalesce(a.segment, l.segment) AS segment,
    coalesce(l.persona, c.persona) AS persona,
    coalesce(l.lead_source, c.lead_source) AS lead_source,
    coalesce(cp.channel, sc.channel, CASE WHEN w.campaign_id IS NULL THEN coalesce(l.lead_source, c.lead_source) END)
        AS channel,
    least(lt.at, ct.at) AS first_touch_at,
    coalesce(l.full_name, c.full_name) AS person_name,
    coalesce(l.company, a.account_name) AS company,
    l.converted_opportunity_id AS opportunity_id
FROM with_lead w
LEFT JOIN stg_leads l ON l.lead_id = w.the_lead_id
LEFT JOIN stg_contacts c ON c.contact_id = w.contact_id
LEFT JOIN stg_accounts a ON a.account_id = c.account_id
LEFT JOIN stg_users u ON u.user_id = coalesce(l.owner_id, c.owner_id)
LEFT JOIN stg_campaigns cp ON cp.campaign_id = w.campaign_id
LEFT JOIN cfg_channel sc
    ON w.campaign_id IS NULL AND sc.campaign_type = lower(trim(coalesce(l.lead_source, c.lead_source)))
LEFT JOIN lead_touch lt ON lt.person_id = w.person_id
LEFT JOIN contact_touch ct ON ct.person_id = w.person_id
-- NOT EXISTS, not `x IS NULL OR x NOT IN (...)`: Spark plans that NOT IN inside an OR as a nested-loop join
-- (every MQL against every deleted record), which stalled the build at medium scale; this is a hash anti join
WHERE NOT EXISTS (SELECT 1 FROM deleted_record d WHERE d.object = 'Lead' AND d.record_id = w.the_lead_id)
    AND NOT EXISTS (SELECT 1 FROM deleted_record d WHERE d.object = 'Contact' AND d.record_id = w.contact_id);
