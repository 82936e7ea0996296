-- Quota attainment, quarter to date
-- For the fiscal quarter holding the as-of date (fiscal year start from the definitions): won
-- amount with a close date from the quarter's start to the as-of date (converted at the close
-- date) against the quarter's quota (converted at the quarter's start). Rolls up rep -> manager
-- -> region -> company. elapsed_share: share of the quarter's days elapsed by the as-of date
-- (linear pacing = attainment / elapsed_share). gap = quota - won. coverage = open pipeline
-- closing by quarter end (converted at the as-of date) / remaining quota. Deals in a currency
-- without a rate are left out of the sums and counted in unconverted_deals.
-- Reps: sales users with a quota this quarter or deals in scope.
-- Grain: one row per level (rep, manager, region, company) and name. Filters: region, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH q AS (
    SELECT fiscal_quarter_start($as_of, CAST((SELECT value FROM cfg_setting WHERE key = 'fiscal_year_start_month') AS INTEGER)) AS q_start
),
period AS (
    SELECT q_start, CAST(q_start + INTERVAL 3 MONTH AS DATE) - 1 AS q_end, CAST($as_of AS DATE) AS as_of FROM q
),
quota AS (
    SELECT s.owner_id, sum(convert_money(s.amount, fx.factor)) AS quota
    FROM stg_quotas s, period p
    JOIN fx_conversion fx ON fx.to_currency = $currency AND fx.rate_date = fx_day(p.q_start)
    WHERE fx.from_currency = s.currency_code AND s.period_start_date BETWEEN p.q_start AND p.q_end
    GROUP BY s.owner_id
),
deals AS (
    SELECT o.owner_id, o.stage_category, o.close_date,
           CASE WHEN o.stage_category = 'won' THEN fxc.factor ELSE fxa.factor END AS factor, o.amount
    FROM stg_opportunities o, period p
    LEFT JOIN fx_conversion fxc ON fxc.from_currency = o.currency_code AND fxc.to_currency = $currency
         AND fxc.rate_date = fx_day(rate_date('won_lost', o.created_date, o.close_date, p.as_of, p.q_start))
    LEFT JOIN fx_conversion fxa ON fxa.from_currency = o.currency_code AND fxa.to_currency = $currency
         AND fxa.rate_date = fx_day(rate_date('open_pipeline', o.created_date, o.close_date, p.as_of, p.q_start))
    WHERE (o.stage_category = 'won' AND o.close_date BETWEEN p.q_start AND p.as_of)
       OR (o.stage_category = 'open' AND o.close_date <= p.q_end)
),
reps AS (
    -- a rep: a sales user with a quota this quarter or deals in scope
    SELECT u.user_id, u.user_name, u.manager_id, coalesce(u.region, 'Unassigned') AS region FROM stg_users u
    WHERE u.is_sales AND (CAST($region AS VARCHAR) IS NULL OR u.region = $region) AND owned_by(u.user_id, CAST($owner AS VARCHAR))
      AND (u.user_id IN (SELECT owner_id FROM quota) OR u.user_id IN (SELECT owner_id FROM deals))
),
per_rep AS (
    SELECT
        r.user_id, r.user_name, r.manager_id, r.region,
        coalesce(q.quota, 0) AS quota,
        coalesce(sum(convert_money(d.amount, d.factor)) FILTER (WHERE d.stage_category = 'won'), 0) AS won,
        coalesce(sum(convert_money(d.amount, d.factor)) FILTER (WHERE d.stage_category = 'open'), 0) AS open_pipeline,
        count(d.owner_id) FILTER (WHERE d.factor IS NULL) AS unconverted_deals
    FROM reps r
    LEFT JOIN quota q ON q.owner_id = r.user_id
    LEFT JOIN deals d ON d.owner_id = r.user_id
    GROUP BY ALL
),
levels AS (
    SELECT 'rep' AS level, user_name AS name, region, quota, won, open_pipeline, unconverted_deals FROM per_rep
    UNION ALL
    SELECT 'manager', coalesce(m.user_name, 'No manager'), any_value(p.region), sum(quota), sum(won), sum(open_pipeline),
           sum(unconverted_deals)
    FROM per_rep p LEFT JOIN stg_users m ON m.user_id = p.manager_id GROUP BY m.user_name
    UNION ALL
    SELECT 'region', region, region, sum(quota), sum(won), sum(open_pipeline), sum(unconverted_deals)
    FROM per_rep GROUP BY region
    UNION ALL
    SELECT 'company', 'Company', NULL, sum(quota), sum(won), sum(open_pipeline), sum(unconverted_deals) FROM per_rep
)
SELECT
    l.level, l.name, l.region, l.quota, l.won,
    l.won / nullif(l.quota, 0) AS attainment,
    (date_diff('day', p.q_start, p.as_of) + 1) / (date_diff('day', p.q_start, p.q_end) + 1) AS elapsed_share,
    l.quota - l.won AS gap,
    l.open_pipeline,
    l.open_pipeline / nullif(greatest(l.quota - l.won, 0), 0) AS coverage,
    l.unconverted_deals,
    p.q_start AS quarter_start, p.q_end AS quarter_end
FROM levels l, period p
ORDER BY list_position(['company', 'region', 'manager', 'rep'], l.level), l.name
