-- Attribution models
-- Summary: The attribution models you can choose, with their names, and whether the export holds the touches they need.
-- The attribution models every page offers, with their display names, in display order (one list,
-- kept in the database: data/model/65_attribution_credits.sql). has_touches: the export holds at least
-- one campaign touch (CampaignMember); without any (a HubSpot export, for example) every model would
-- credit nothing, so the pages say which view is available instead: the first touch by lead source.
-- Grain: one row per model.
SELECT
    model,
    label,
    (SELECT count(*) > 0 FROM stg_campaign_members) AS has_touches
FROM attribution_model
ORDER BY position
