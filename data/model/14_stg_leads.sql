-- stg_leads: one row per lead (a person not yet converted, or the record they converted from).
-- is_queue_owned: owned by a queue (Salesforce Id prefix 00G) or by nobody, so no rep is responsible.
-- persona: the title's persona (persona_of_title). region: the owner's
-- region, else the lead's country's region. segment: the segment of its employee count
-- (segment_of_employees). Stored in order of creation (period filters skip most row groups).
CREATE TABLE stg_leads AS
SELECT
    l.lead_id,
    l.created_at,
    cast(l.created_at AS DATE) AS created_date,
    l.owner_id,
    (l.owner_id IS NULL OR l.owner_id LIKE '00G%') AS is_queue_owned,
    nullif(trim(concat_ws(' ', l.first_name, l.last_name)), '') AS full_name,
    l.email,
    l.title,
    pt.persona,
    l.company,
    l.country,
    coalesce(u.region, cr.region) AS region,
    l.industry,
    l.employees,
    se.segment,
    l.lead_source,
    coalesce(lower(trim(l.lead_source)) IN (SELECT value_lower FROM cfg_value WHERE list_name = 'marketing_lead_source'), FALSE)
        AS is_marketing_source,
    l.status,
    coalesce(l.is_converted, FALSE) AS is_converted,
    l.converted_date,
    l.converted_contact_id,
    l.converted_account_id,
    l.converted_opportunity_id,
    l.mql_field_at
FROM typed_lead l
LEFT JOIN persona_of_title pt ON pt.title = l.title
LEFT JOIN segment_of_employees se ON se.employees = l.employees
LEFT JOIN stg_users u ON u.user_id = l.owner_id
LEFT JOIN cfg_country_region cr ON cr.country_key = lower(trim(l.country))
ORDER BY l.created_at, l.lead_id;
