-- opportunity_source: who sourced each opportunity, in one place. Marketing-sourced: a marketing touch by
-- one of its contacts in the lookback window up to its creation (see opportunity_touch), or a lead source
-- configured as marketing (attribution.marketing_lead_sources); otherwise sales-sourced. channel: that of
-- the first touch before creation; a marketing lead source without touches shows as "Lead source: ...";
-- sales-sourced deals as "Sales". Touches before creation never change later, so this holds at any as-of date.
CREATE TABLE opportunity_source AS
SELECT
    o.opportunity_id,
    ft.opportunity_id IS NOT NULL OR coalesce(o.is_marketing_lead_source, FALSE) AS is_marketing_sourced,
    CASE WHEN ft.opportunity_id IS NOT NULL OR coalesce(o.is_marketing_lead_source, FALSE) THEN 'Marketing'
        ELSE 'Sales'
    END AS sourced_by,
    CASE WHEN ft.opportunity_id IS NOT NULL THEN ft.channel
        WHEN coalesce(o.is_marketing_lead_source, FALSE) THEN 'Lead source: ' || o.lead_source
        ELSE 'Sales'
    END AS channel
FROM stg_opportunities o
LEFT JOIN opportunity_touch ft ON ft.opportunity_id = o.opportunity_id AND ft.pos_pre = 1;
