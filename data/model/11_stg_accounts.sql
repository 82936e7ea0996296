-- stg_accounts: one row per account (company).
-- region: the billing country mapped by regions.countries. segment: Segment__c when the export has
-- it, else the first configured employee band whose max_employees >= employees.
CREATE TABLE stg_accounts AS
SELECT
    a.account_id,
    a.account_name,
    a.country,
    cr.region,
    a.industry,
    a.employees,
    coalesce(a.segment_override, (
        SELECT s.segment FROM cfg_segment s WHERE a.employees <= s.max_employees ORDER BY s.position LIMIT 1
    )) AS segment,
    a.annual_revenue,
    a.account_type,
    a.owner_id,
    a.created_at
FROM typed_account a
LEFT JOIN cfg_country_region cr ON cr.country_key = lower(trim(a.country));
