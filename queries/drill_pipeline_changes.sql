-- Deals behind a pipeline change
-- Summary: The deals behind each step of Pipeline changes, with how each stood at both dates.
-- The deal-level rows of pipeline_moves, the block Pipeline changes sums, so a step's deals add up to its
-- bar: every deal open in the pipeline closing by end_date at the end of `since` or at the as-of date,
-- with its stage, close date and amount at both dates (amounts in the reporting currency, as open
-- pipeline converts them), its change and how far its close date moved (positive: later, a slip).
-- `step` picks one step (NULL = every deal that moved; 'slipped' = every deal whose close date moved later,
-- open at the start). Grain: one row per deal, largest change first. Filters: region, segment, owner or
-- team (NULL = all).
SELECT
    m.step, o.opportunity_name, a.account_name, u.user_name AS owner, m.region, m.segment,
    m.from_stage, m.from_close_date, m.start_amount, m.to_stage, m.to_close_date, m.end_amount, m.change,
    m.close_date_moved_days, m.currency_code, m.is_unconverted, m.opportunity_id
FROM pipeline_moves($since, $as_of, $start_date, $end_date, $currency, $region, $segment, $owner) m
JOIN stg_opportunities o ON o.opportunity_id = m.opportunity_id
LEFT JOIN stg_accounts a ON a.account_id = o.account_id
LEFT JOIN stg_users u ON u.user_id = m.owner_id
WHERE
    CASE
        WHEN cast($step AS VARCHAR) IS NULL THEN m.step <> 'unchanged'
        WHEN $step = 'slipped' THEN m.in_start AND m.close_date_moved_days > 0
        ELSE m.step = $step
    END
ORDER BY abs(m.change) DESC, m.opportunity_id
