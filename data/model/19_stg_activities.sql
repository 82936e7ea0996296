-- stg_activities: tasks and events in one table: calls, emails, meetings and automated sends.
-- activity_at: when the touch happened, to the second (a task's CompletedDateTime, else its
-- CreatedDate; an event's start).
-- is_automated: a configured automated subtype (ListEmail, Cadence...) or subject prefix.
-- is_human_sales_touch: a call, email or meeting, not automated, owned by a sales user.
-- lead_id / contact_id: from WhoId by Salesforce key prefix (00Q lead, 003 contact).
CREATE TABLE stg_activities AS
WITH unioned AS (
    SELECT
        activity_id, 'task' AS activity_source, who_id, what_id, lead_id, contact_id, account_id, owner_id,
        subject, activity_type, activity_subtype, created_at, coalesce(completed_at, created_at) AS activity_at
    FROM typed_task
    UNION ALL
    SELECT
        activity_id, 'event', who_id, what_id, lead_id, contact_id, account_id, owner_id,
        subject, activity_type, activity_subtype, created_at, coalesce(start_at, created_at)
    FROM typed_event
),

prefix_hit AS (
    -- activities whose subject starts with a configured automated prefix: a join, not a correlated EXISTS
    -- (Spark 4 fails to plan that EXISTS here); Ids are unique per source, the ingest checks it
    SELECT DISTINCT a.activity_source, a.activity_id
    FROM unioned a
    JOIN cfg_value p
        ON p.list_name = 'automated_subject_prefix' AND starts_with(lower(coalesce(a.subject, '')), p.value_lower)
),

classified AS (
    SELECT
        a.*,
        CASE
            WHEN a.activity_source = 'event' THEN 'Meeting'
            WHEN a.activity_subtype IN ('Call') THEN 'Call'
            WHEN a.activity_subtype IN ('Email', 'ListEmail') THEN 'Email'
            ELSE coalesce(a.activity_type, a.activity_subtype, 'Other')
        END AS touch_type,
        (
            a.activity_subtype IN (SELECT value FROM cfg_value WHERE list_name = 'automated_subtype')
            OR h.activity_id IS NOT NULL
        ) AS is_automated
    FROM unioned a
    LEFT JOIN prefix_hit h ON h.activity_source = a.activity_source AND h.activity_id = a.activity_id
)

SELECT
    c.activity_id,
    c.activity_source,
    coalesce(c.lead_id, CASE WHEN c.who_id LIKE '00Q%' THEN c.who_id END) AS lead_id,
    coalesce(c.contact_id, CASE WHEN c.who_id LIKE '003%' THEN c.who_id END) AS contact_id,
    CASE WHEN c.what_id LIKE '006%' THEN c.what_id END AS opportunity_id,
    c.account_id,
    c.owner_id,
    c.subject,
    c.touch_type AS activity_type,
    c.activity_subtype,
    c.created_at,
    c.activity_at,
    coalesce(c.is_automated, FALSE) AS is_automated,
    (
        NOT coalesce(c.is_automated, FALSE)
        AND c.touch_type IN (SELECT value FROM cfg_value WHERE list_name = 'human_type')
        AND coalesce(u.is_sales, FALSE)
    ) AS is_human_sales_touch
FROM classified c
LEFT JOIN stg_users u ON u.user_id = c.owner_id;
