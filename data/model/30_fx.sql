-- fx_daily: one exchange rate per currency and calendar day (units per 1 corporate currency),
-- chosen by precedence: the export's dated rates, the corporate currency itself, the export's
-- static rates, then the ECB history. fx_conversion: the factor turning an amount in one
-- currency into another on a day (to_amount = amount * factor). Dates outside the covered range
-- take the nearest covered day through fx_day(), so a future close date still converts.
CREATE TABLE fx_daily AS
WITH bounds AS (
    SELECT
        cast(
            least(coalesce(min(o.created_date), DATE '2000-01-01'), coalesce(min(o.close_date), DATE '2000-01-01'))
            - INTERVAL 400 DAY AS DATE
        ) AS lo,
        cast(
            greatest(coalesce(max(o.close_date), DATE '2000-01-01'), coalesce(max(o.created_date), DATE '2000-01-01'))
            + INTERVAL 800 DAY AS DATE
        ) AS hi
    FROM stg_opportunities o
),

days AS (
    -- unnest alone in its select (Spark allows no generator inside an expression)
    SELECT cast(d AS DATE) AS rate_date FROM (SELECT unnest(generate_series(lo, hi, INTERVAL 1 DAY)) AS d FROM bounds) AS g
),

ranked AS (
    SELECT
        r.currency_code, d.rate_date, r.rate, r.source,
        row_number() OVER (
            PARTITION BY r.currency_code, d.rate_date
            ORDER BY CASE r.source WHEN 'export_dated' THEN 1 WHEN 'corporate' THEN 0
                WHEN 'export_static' THEN 2 ELSE 3
            END, r.start_date DESC
        ) AS rn
    FROM days d
    JOIN stg_exchange_rates r
        ON r.start_date <= d.rate_date AND (r.next_start_date IS NULL OR d.rate_date < r.next_start_date)
)

SELECT currency_code, rate_date, rate, source FROM ranked WHERE rn = 1;

CREATE TABLE fx_conversion AS
SELECT
    a.currency_code AS from_currency, b.currency_code AS to_currency, a.rate_date,
    cast(b.rate AS DOUBLE) / cast(a.rate AS DOUBLE) AS factor
FROM fx_daily a JOIN fx_daily b ON a.rate_date = b.rate_date;
