-- opportunity_touch: the marketing touches that can influence each opportunity: campaign memberships
-- (only responded ones while attribution.responded_only = true, the default) of its contact-role contacts
-- (with attribution.include_account_contacts, of every contact of its account) from `created - lookback days`
-- up to its close date (closed deals; open deals keep every later touch and queries stop them at the as-of date).
-- pos_pre / n_pre: order among touches up to creation (earliest first, ties by member Id).
-- Stored in order of the opportunity's creation date, so that a period filter on
-- opportunity_created_date skips most of the table (min/max zone maps).
CREATE TABLE opportunity_touch AS
WITH settings AS (
    SELECT
        cast((SELECT value FROM cfg_setting WHERE key = 'lookback_days') AS INTEGER) AS lookback_days,
        (SELECT value FROM cfg_setting WHERE key = 'include_account_contacts') = 'true' AS account_contacts,
        (SELECT value FROM cfg_setting WHERE key = 'responded_only') = 'true' AS responded_only
),

people AS (
    SELECT DISTINCT opportunity_id, contact_id FROM stg_opportunity_contact_roles
    UNION
    SELECT o.opportunity_id, c.contact_id
    FROM stg_opportunities o JOIN stg_contacts c ON c.account_id = o.account_id
    WHERE (SELECT account_contacts FROM settings)
),

touches AS (
    SELECT DISTINCT ON (o.opportunity_id, m.campaign_member_id)
        o.opportunity_id, o.created_at AS opportunity_created_at, o.created_date AS opportunity_created_date,
        m.campaign_member_id, m.campaign_id,
        coalesce(c.channel, 'Unknown') AS channel, person_of(m.contact_id, m.lead_id) AS person_id, m.touched_at, m.is_hand_raise,
        m.touched_at <= o.created_at AS is_before_creation
    FROM stg_opportunities o
    JOIN people p ON p.opportunity_id = o.opportunity_id
    JOIN stg_campaign_members m ON m.contact_id = p.contact_id
    LEFT JOIN stg_campaigns c ON c.campaign_id = m.campaign_id
    WHERE (m.has_responded OR NOT (SELECT responded_only FROM settings))
        AND m.touched_at >= o.created_at - to_days((SELECT lookback_days FROM settings))
        AND (o.stage_category = 'open' OR m.touched_at < o.close_date + INTERVAL 1 DAY)
)

SELECT
    t.*,
    CASE WHEN is_before_creation THEN row_number() OVER (
                PARTITION BY opportunity_id, is_before_creation ORDER BY touched_at, campaign_member_id
            )
    END AS pos_pre,
    count(*) FILTER (WHERE is_before_creation) OVER (PARTITION BY opportunity_id) AS n_pre,
    row_number() OVER (PARTITION BY opportunity_id ORDER BY touched_at, campaign_member_id) AS pos_all,
    count(*) OVER (PARTITION BY opportunity_id) AS n_all
FROM touches t
ORDER BY opportunity_created_date, opportunity_id, pos_all;
