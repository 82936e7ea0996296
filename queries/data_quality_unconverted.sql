-- Unconverted amounts
-- Summary: Deal amounts in a currency with no exchange rate: kept apart, never summed.
-- Opportunity amounts in a currency with no exchange rate from the export or the ECB history. They
-- are never added to converted totals; they are listed here in their own currency.
-- Grain: one row per currency. Filter: region (NULL = all).
SELECT
    o.currency_code,
    count(*) AS opportunities,
    sum(o.amount) AS amount_in_currency
FROM stg_opportunities o
WHERE
    o.currency_code NOT IN (SELECT currency_code FROM stg_exchange_rates)
    AND (cast($region AS VARCHAR) IS NULL OR o.region = $region)
GROUP BY o.currency_code
ORDER BY o.currency_code
