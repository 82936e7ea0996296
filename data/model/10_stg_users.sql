-- stg_users: one row per CRM user (rep, manager, marketer, integration user).
-- region: regions.users override, else the user's Region__c when it names a configured region,
-- else the first regions.roles pattern matching the role name, else the user's country's region.
-- is_sales: the role name (or, without a role, the title) contains a sales.role_keywords word.
CREATE TABLE stg_users AS
SELECT
    u.user_id,
    coalesce(u.user_name, nullif(trim(concat_ws(' ', u.first_name, u.last_name)), '')) AS user_name,
    u.email,
    u.title,
    u.department,
    u.manager_id,
    u.role_id,
    r.role_name,
    coalesce(ur.region, ro.region, rr.region, cr.region) AS region,
    coalesce(EXISTS (
        SELECT 1 FROM cfg_value k
        WHERE k.list_name = 'sales_role_keyword' AND contains(lower(coalesce(r.role_name, u.title, '')), k.value_lower)
    ), FALSE) AS is_sales,
    coalesce(u.is_active, TRUE) AS is_active
FROM typed_user u
LEFT JOIN typed_user_role r ON r.role_id = u.role_id
LEFT JOIN cfg_user_region ur ON ur.user_id = u.user_id
LEFT JOIN cfg_region ro ON ro.region = u.region_override
LEFT JOIN cfg_role_region rr ON rr.role_id = u.role_id
LEFT JOIN cfg_country_region cr ON cr.country_key = lower(trim(u.country));
