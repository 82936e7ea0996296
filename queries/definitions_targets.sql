-- Targets
-- Summary: What the Overview judges the numbers against: MQLs per quarter, SLA compliance and coverage.
-- The targets of the definitions ([targets]) the data was loaded with: the company's MQLs per fiscal
-- quarter, share of MQLs followed up within SLA and pipeline coverage (region NULL), and each region's own
-- MQL target. A target never changes a number, only the status shown beside it. Grain: one row per
-- region with a target, and the company row.
SELECT region, mqls_per_quarter, sla_compliance, coverage FROM cfg_target ORDER BY region NULLS FIRST
