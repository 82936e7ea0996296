-- Quotas behind a number
-- Summary: The quotas that make up the quarter's quota you clicked; they add up to it.
-- The quota rows of the fiscal quarter holding the as-of date (quota_in_period), with the page's region
-- and owner or team, converted at the quarter's start. Quotas are set per owner, never per segment: with a
-- segment filter there is no quota and no row. Grain: one row per quota, largest first, at most `limit`
-- rows from `offset`; rows_total and amount_total are those of every row.
SELECT
    coalesce(u.user_name, q.owner_id) AS name, q.region, m.user_name AS manager, q.period_start_date AS quarter_start,
    q.currency_code, q.amount AS amount_local, q.amount_rep AS amount, q.owner_id, q.quota_id,
    count(*) OVER () AS rows_total,
    sum(q.amount_rep) OVER () AS amount_total
FROM quota_in_period(fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $currency, $region, $owner) q
LEFT JOIN stg_users u ON u.user_id = q.owner_id
LEFT JOIN stg_users m ON m.user_id = q.manager_id
WHERE cast($segment AS VARCHAR) IS NULL
ORDER BY q.amount_rep DESC NULLS LAST, q.quota_id
LIMIT $limit OFFSET $offset
