-- Quota attainment, quarter to date
-- Summary: Bookings this quarter against quota, the gap and the open pipeline that could close it, by rep, manager, region.
-- For the fiscal quarter holding the as-of date: bookings (won deals, whoever owns them, with a close
-- date from the quarter's start to the as-of date, converted at the close date) against the quarter's
-- quota (converted at the quarter's start). Rolls up owner -> manager -> region -> company; every level
-- adds up to the company. A deal counts in its region (owner's region, else its account's country's);
-- a quota in its owner's region. elapsed_share: share of the quarter's days elapsed by the as-of date
-- (linear pacing = attainment / elapsed_share). gap = quota - won. coverage = open pipeline at the as-of
-- date closing by quarter end (converted at the as-of date) / remaining quota. Deals or quotas in a
-- currency without a rate are left out of the sums and counted in unconverted_deals. Quotas are set per
-- owner, not per segment: with a segment filter, quota, attainment, gap and coverage are empty.
-- Grain: one row per level (owner, manager, region, company) and key (owner, manager Id or region).
-- Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH facts AS (
    SELECT
        owner_id, region, amount_rep AS won, NULL::DECIMAL(18, 2) AS open_pipeline, NULL::DECIMAL(18, 2) AS quota,
        cast(factor IS NULL AS INTEGER) AS unconverted
    FROM bookings(fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $as_of, $currency, $region, $segment, $owner)
    UNION ALL
    SELECT owner_id, region, NULL, amount_rep, NULL, cast(factor IS NULL AS INTEGER)
    FROM open_pipeline_at(
            fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $as_of, $currency, $region, $segment,
            $owner
        )
    UNION ALL
    SELECT owner_id, region, NULL, NULL, amount_rep, cast(factor IS NULL AS INTEGER)
    FROM quota_in_period(fiscal_quarter_of($as_of), fiscal_quarter_end($as_of), $currency, $region, $owner)
    WHERE cast($segment AS VARCHAR) IS NULL
),

keyed AS (
    SELECT
        f.*, u.manager_id, coalesce(u.user_name, f.owner_id, '(no owner)') AS owner_name,
        coalesce(m.user_name, '(no manager)') AS manager_name
    FROM facts f
    LEFT JOIN stg_users u ON u.user_id = f.owner_id
    LEFT JOIN stg_users m ON m.user_id = u.manager_id
),

levels AS (
    SELECT
        'rep' AS level, k.owner_id AS key, any_value(k.owner_name) AS name,
        any_value(coalesce(u.region, unknown_region())) AS region, sum(k.quota) AS quota, sum(k.won) AS won,
        sum(k.open_pipeline) AS open_pipeline, sum(k.unconverted) AS unconverted_deals
    FROM keyed k LEFT JOIN stg_users u ON u.user_id = k.owner_id
    GROUP BY k.owner_id
    UNION ALL
    SELECT
        'manager', k.manager_id, any_value(k.manager_name), any_value(coalesce(m.region, unknown_region())),
        sum(k.quota), sum(k.won), sum(k.open_pipeline), sum(k.unconverted)
    FROM keyed k LEFT JOIN stg_users m ON m.user_id = k.manager_id
    GROUP BY k.manager_id
    UNION ALL
    SELECT 'region', region AS key, region AS name, region, sum(quota), sum(won), sum(open_pipeline), sum(unconverted)
    FROM keyed GROUP BY region
    UNION ALL
    SELECT 'company', NULL, 'Company', NULL, sum(quota), sum(won), sum(open_pipeline), sum(unconverted) FROM keyed
),

period AS (
    SELECT fiscal_quarter_of($as_of) AS q_start, fiscal_quarter_end($as_of) AS q_end, cast($as_of AS DATE) AS as_of
),

shaped AS (
    SELECT
        l.level, l.key, l.name, l.region,
        CASE WHEN cast($segment AS VARCHAR) IS NULL THEN coalesce(l.quota, 0) END AS quota,
        coalesce(l.won, 0) AS won, coalesce(l.open_pipeline, 0) AS open_pipeline,
        coalesce(l.unconverted_deals, 0) AS unconverted_deals
    FROM levels l
)

SELECT
    s.level, s.name, s.region, s.quota, s.won,
    cast(s.won AS DOUBLE) / nullif(s.quota, 0) AS attainment,
    (date_diff('day', p.q_start, p.as_of) + 1) / (date_diff('day', p.q_start, p.q_end) + 1) AS elapsed_share,
    s.quota - s.won AS gap,
    s.open_pipeline,
    cast(s.open_pipeline AS DOUBLE) / nullif(greatest(s.quota - s.won, 0), 0) AS coverage,
    s.unconverted_deals,
    p.q_start AS quarter_start, p.q_end AS quarter_end,
    s.key
FROM shaped s CROSS JOIN period p
ORDER BY list_position(['company', 'region', 'manager', 'rep'], s.level), s.name, s.key
