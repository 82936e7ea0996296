-- Regions in local, reporting and constant currency
-- Per region and deal currency: bookings (won, close date from start_date to end_date) and open
-- pipeline (open at the end, closing by end_date) in the deal's own currency; in the reporting
-- currency at the rates of the day (bookings at the close date, pipeline at the as-of date); and in
-- constant currency (every amount at the rate of start_date). fx_effect = reporting - constant: the
-- part of the change that exchange rates made, not sales. Amounts without a rate stay in local
-- currency only and are counted in unconverted_deals.
-- Grain: one row per region and currency. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH deals AS (
    SELECT o.region, o.currency_code, o.amount, o.stage_category,
           CASE WHEN o.stage_category = 'won' THEN fxd.factor ELSE fxa.factor END AS factor_day,
           fxc.factor AS factor_constant
    FROM stg_opportunities o
    LEFT JOIN fx_conversion fxd ON fxd.from_currency = o.currency_code AND fxd.to_currency = $currency
         AND fxd.rate_date = fx_day(rate_date('won_lost', o.created_date, o.close_date, $as_of, $start_date))
    LEFT JOIN fx_conversion fxa ON fxa.from_currency = o.currency_code AND fxa.to_currency = $currency
         AND fxa.rate_date = fx_day(rate_date('open_pipeline', o.created_date, o.close_date, $as_of, $start_date))
    LEFT JOIN fx_conversion fxc ON fxc.from_currency = o.currency_code AND fxc.to_currency = $currency
         AND fxc.rate_date = fx_day(rate_date('constant_currency', o.created_date, o.close_date, $as_of, $start_date))
    WHERE ((o.stage_category = 'won' AND o.close_date BETWEEN $start_date AND $end_date)
           OR (o.stage_category = 'open' AND o.close_date <= $end_date))
      AND (CAST($region AS VARCHAR) IS NULL OR o.region = $region) AND owned_by(o.owner_id, CAST($owner AS VARCHAR))
      AND (CAST($segment AS VARCHAR) IS NULL OR o.segment = $segment)
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
FROM deals
GROUP BY region, currency_code
ORDER BY region, bookings_reporting DESC, local_currency
