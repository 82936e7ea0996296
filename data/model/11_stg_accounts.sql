-- stg_accounts: one row per account (company).
-- region: the billing country mapped by regions.countries. segment: Segment__c when the export has
-- it, else the segment of its employee count (segment_of_employees).
CREATE TABLE stg_accounts AS
SELECT
    a.account_id,
    a.account_name,
    a.country,
    cr.region,
    a.industry,
    a.employees,
    coalesce(a.segment_override, se.segment) AS segment,
    a.annual_revenue,
    a.account_type,
    a.owner_id,
    a.created_at
FROM typed_account a
LEFT JOIN segment_of_employees se ON se.employees = a.employees
LEFT JOIN cfg_country_region cr ON cr.country_key = lower(trim(a.country));
