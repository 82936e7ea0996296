-- Fiscal quarters
-- Summary: The fiscal quarters with data.
-- Every fiscal quarter from the oldest lead, MQL, deal (created or closed) or quota in the data to the
-- last day with data, newest first, with its label (fiscal years named after the calendar year they
-- end in, as FY2026 Q4) and the last day with data (the newest record, touch, activity, stage change
-- or closed deal), which is the default as-of date. Grain: one row per quarter.
SELECT quarter_start, quarter_end, label, data_through FROM filter_quarter ORDER BY quarter_start DESC
