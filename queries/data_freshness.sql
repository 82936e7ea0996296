-- Data freshness
-- Summary: The date of the newest record in the data and when it was loaded.
-- When the data shown was last loaded, from where, and the newest moment it contains; whether the
-- export has stage history (OpportunityHistory), which past as-of dates need to show a deal's stage and
-- amount as they were; and how many users count as sales (their role matches sales.role_keywords).
-- Grain: one row.
SELECT
    data_through_at, finished_at, source, reporting_currency,
    exists(SELECT 1 FROM stg_opportunity_stage_history) AS has_stage_history,
    (SELECT count(*) FROM stg_users WHERE is_sales) AS sales_users
FROM ingest_run
