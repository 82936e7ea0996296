-- Settings in force
-- Summary: The company-wide settings every number follows.
-- The single-valued definitions applied to the data: fiscal year start, reporting currency, rate
-- date per measure, MQL rule, SLA target and "ignored" days, attribution lookback and half-life.
-- Grain: one row per setting.
SELECT key AS setting, value FROM cfg_setting
WHERE key NOT IN ('schema_version')
ORDER BY key
