-- stg_contacts: one row per contact (a person at an account). persona: the title's persona (persona_of_title).
CREATE TABLE stg_contacts AS
SELECT
    c.contact_id,
    c.account_id,
    c.created_at,
    c.owner_id,
    nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') AS full_name,
    c.email,
    c.title,
    pt.persona,
    c.country,
    c.lead_source,
    c.mql_field_at
FROM typed_contact c
LEFT JOIN persona_of_title pt ON pt.title = c.title;
