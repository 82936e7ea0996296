-- Forecast by category
-- Summary: Won so far plus the deals reps call commit and best case, against quota, and how each moved since a date.
-- The quarter's forecast by Salesforce forecast category (ForecastCategoryName, grouped by the definitions'
-- [forecast_categories]): won = bookings from start_date to the as-of date (the same as Quota attainment);
-- commit, best case, pipeline, omitted = the open pipeline closing by end_date in that group (the same deals
-- as open pipeline); not set = open deals without a (known) category. forecast = won + commit + best case;
-- quota and forecast / quota (empty with a segment filter: quotas are per owner). amount_then: the same
-- figure as the deals stood at the end of `since` (snapshots when there are several: the categories reps
-- set then), change = amount - amount_then. Grain: one row per figure, in display order. Filters: region,
-- segment, owner or team (NULL = all). Deals without an exchange rate count 0.
WITH open_now AS (
    SELECT coalesce(forecast_group, 'not_set') AS grp, count(*) AS deals, coalesce(sum(amount_rep), 0) AS amount
    FROM open_pipeline_at($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
    GROUP BY ALL
),

open_then AS (
    SELECT coalesce(forecast_group, 'not_set') AS grp, coalesce(sum(amount_rep), 0) AS amount
    FROM open_pipeline_at($start_date, $end_date, $since, $currency, $region, $segment, $owner)
    GROUP BY ALL
),

won AS (
    SELECT
        (
            SELECT count(*) FROM bookings($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
        ) AS deals,
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
        ) AS amount,
        (
            SELECT coalesce(sum(amount_rep), 0)
            FROM bookings($start_date, $end_date, $since, $currency, $region, $segment, $owner)
        ) AS amount_then
),

quota AS (
    SELECT CASE WHEN cast($segment AS VARCHAR) IS NULL THEN coalesce(sum(amount_rep), 0) END AS amount
    FROM quota_in_period($start_date, $end_date, $currency, $region, $owner)
),

figures AS (
    SELECT 1 AS position, 'won' AS figure, 'Won' AS label, TRUE AS is_forecast, deals, amount, amount_then FROM won
    UNION ALL
    SELECT
        g.position, g.figure, g.label, g.position <= 3, coalesce(n.deals, 0), coalesce(n.amount, 0),
        coalesce(t.amount, 0)
    FROM (
        VALUES (2, 'commit', 'Commit'), (3, 'best_case', 'Best case'), (4, 'pipeline', 'Pipeline'),
        (5, 'omitted', 'Omitted'), (6, 'closed', 'Closed (still open)'), (7, 'not_set', 'Not set')
    ) AS g (position, figure, label)  -- noqa: AL05
    LEFT JOIN open_now n ON n.grp = g.figure
    LEFT JOIN open_then t ON t.grp = g.figure
)

SELECT
    position, figure, label, is_forecast, cast(deals AS BIGINT) AS deals, cast(amount AS DECIMAL(18, 2)) AS amount,
    cast(amount_then AS DECIMAL(18, 2)) AS amount_then, cast(amount - amount_then AS DECIMAL(18, 2)) AS change,
    (SELECT amount FROM quota) AS quota
FROM figures
WHERE position <= 4 OR deals > 0
UNION ALL
SELECT
    8, 'forecast', 'Forecast (won + commit + best case)', FALSE, cast(sum(deals) AS BIGINT), sum(amount), sum(amount_then),
    sum(amount) - sum(amount_then), (SELECT amount FROM quota)
FROM figures WHERE is_forecast
ORDER BY position
