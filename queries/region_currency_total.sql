-- Regions and currencies, all together
-- Summary: Bookings this quarter at the day's rates and at constant rates, the exchange-rate effect, and deals without a rate.
-- The totals of Regions in local, reporting and constant currency over every region in view, from the
-- same blocks (bookings, open_pipeline_at): bookings (won, close date from start_date to end_date, up to
-- the as-of date) in the reporting currency at the rates of the day and at constant rates (every amount at
-- the rate of start_date); fx effect = the difference; deals with no rate are counted, never summed.
-- Grain: one row. Filters: region, segment, owner or team (NULL = all).
-- Exchange-rate dates named here are the defaults; the currency policy in the definitions decides.
WITH constant AS (
    SELECT * FROM regional_amounts($start_date, $end_date, $as_of, $currency, $region, $segment, $owner)
)

SELECT
    count(*) FILTER (WHERE stage_category = 'won') AS won_deals,
    coalesce(sum(convert_money(amount, factor_day)) FILTER (WHERE stage_category = 'won'), 0) AS bookings_reporting,
    coalesce(sum(convert_money(amount, factor_constant)) FILTER (WHERE stage_category = 'won'), 0) AS bookings_constant,
    coalesce(sum(convert_money(amount, factor_day)) FILTER (WHERE stage_category = 'won'), 0)
    - coalesce(sum(convert_money(amount, factor_constant)) FILTER (WHERE stage_category = 'won'), 0) AS bookings_fx_effect,
    coalesce(sum(convert_money(amount, factor_day)) FILTER (WHERE stage_category = 'open'), 0) AS pipeline_reporting,
    count(*) FILTER (WHERE factor_day IS NULL) AS unconverted_deals
FROM constant
