-- Regions in local, reporting and constant currency
-- Summary: Each region's bookings and open pipeline in its own currency, in the reporting currency and at constant rates.
-- Per region and deal currency: bookings (won, close date from start_date to end_date, up to the as-of
-- date) and open pipeline (open at the as-of date, closing by end_date) in the deal's own currency; in
-- the reporting currency at the rates of the day (bookings at the close date, pipeline at the as-of
-- date); and in constant currency (every amount at the rate of start_date). fx_effect = reporting -
-- constant: the part of the change that exchange rates made, not sales. The same bookings and open
-- pipeline as Quota attainment. Amounts without a rate stay in local currency only and are counted in
-- unconverted_deals.
-- Grain: one row per region and currency. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH constant AS (
    SELECT * FROM regional_amounts($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
)

SELECT
    region,
    currency_code AS local_currency,
    coalesce(sum(amount) FILTER (WHERE stage_category = 'won'), 0) AS bookings_local,
    coalesce(sum(convert_money(amount, factor_day)) FILTER (WHERE stage_category = 'won'), 0) AS bookings_reporting,
    coalesce(sum(convert_money(amount, factor_constant)) FILTER (WHERE stage_category = 'won'), 0) AS bookings_constant,
    coalesce(sum(amount) FILTER (WHERE stage_category = 'open'), 0) AS pipeline_local,
    coalesce(sum(convert_money(amount, factor_day)) FILTER (WHERE stage_category = 'open'), 0) AS pipeline_reporting,
    coalesce(sum(convert_money(amount, factor_constant)) FILTER (WHERE stage_category = 'open'), 0) AS pipeline_constant,
    coalesce(sum(convert_money(amount, factor_day)) FILTER (WHERE stage_category = 'won'), 0)
    - coalesce(sum(convert_money(amount, factor_constant)) FILTER (WHERE stage_category = 'won'), 0) AS bookings_fx_effect,
    count(*) FILTER (WHERE factor_day IS NULL) AS unconverted_deals
FROM constant
GROUP BY region, currency_code
ORDER BY region, bookings_reporting DESC, local_currency
