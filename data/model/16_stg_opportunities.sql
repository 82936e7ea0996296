-- stg_opportunities: one row per opportunity (deal).
-- stage_category: the stages configuration (open / won / lost); an unmapped stage falls back on
-- the export's IsClosed/IsWon flags, else open, and is_stage_mapped = false flags it.
-- region: the owner's region, else the account's country's region, else regions.unknown.
-- amount carries currency_code (the export's CurrencyIsoCode, else the corporate currency).
CREATE TABLE stg_opportunities AS
SELECT
    o.opportunity_id,
    o.opportunity_name,
    o.account_id,
    o.owner_id,
    o.amount,
    coalesce(o.currency_code, (SELECT value FROM cfg_setting WHERE key = 'corporate_currency')) AS currency_code,
    o.stage_name,
    coalesce(
        st.stage_category,
        CASE WHEN o.is_closed AND o.is_won THEN 'won' WHEN o.is_closed THEN 'lost' ELSE 'open' END
    ) AS stage_category,
    st.stage_category IS NOT NULL AS is_stage_mapped,
    o.created_at,
    cast(o.created_at AS DATE) AS created_date,
    o.close_date,
    o.lead_source,
    coalesce(lower(trim(o.lead_source)) IN (SELECT value_lower FROM cfg_value WHERE list_name = 'marketing_lead_source'), FALSE)
        AS is_marketing_lead_source,
    o.campaign_id,
    o.opportunity_type,
    o.probability,
    o.forecast_category,
    coalesce(u.region, a.region, (SELECT value FROM cfg_setting WHERE key = 'unknown_region')) AS region,
    a.segment
FROM typed_opportunity o
LEFT JOIN cfg_stage st ON st.stage_name = o.stage_name
LEFT JOIN stg_users u ON u.user_id = o.owner_id
LEFT JOIN stg_accounts a ON a.account_id = o.account_id;
