-- Attribution models
-- Summary: The attribution models you can choose, with their names.
-- The attribution models every page offers, with their display names, in display order (one list,
-- kept in the database: data/model/65_attribution_credits.sql). Grain: one row per model.
SELECT model, label FROM attribution_model ORDER BY position
