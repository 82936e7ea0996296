-- stg_opportunity_contact_roles: the people (contacts) involved in each opportunity.
CREATE TABLE stg_opportunity_contact_roles AS
SELECT
    r.opportunity_contact_role_id,
    r.opportunity_id,
    r.contact_id,
    r.role,
    coalesce(r.is_primary, FALSE) AS is_primary
FROM typed_opportunity_contact_role r;
