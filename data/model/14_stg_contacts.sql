-- stg_contacts: one row per contact (a person at an account).
CREATE TABLE stg_contacts AS
SELECT
    c.contact_id,
    c.account_id,
    c.created_at,
    c.owner_id,
    nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') AS full_name,
    c.email,
    c.title,
    (
        SELECT p.persona
        FROM cfg_persona p
        WHERE contains(' ' || regexp_replace(lower(c.title), '[^a-z0-9]+', ' ', 'g') || ' ', p.keyword_lower)
        ORDER BY p.priority
        LIMIT 1
    ) AS persona,
    c.country,
    c.lead_source,
    c.mql_field_at
FROM typed_contact c;
