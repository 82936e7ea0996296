-- pipeline_in_period(...): the building block every pipeline and attribution query starts from: the
-- opportunities created from p_start to p_end, filtered by region, segment and owner or team (NULL =
-- all), with amount_rep, their amount in the reporting currency p_currency at the date the currency
-- policy picks for pipeline (NULL, and factor NULL, when the currency has no rate).
CREATE MACRO pipeline_in_period(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner) AS TABLE
SELECT o.*, fx.factor, convert_money(o.amount, fx.factor) AS amount_rep
FROM stg_opportunities o
LEFT JOIN fx_conversion fx
  ON fx.from_currency = o.currency_code AND fx.to_currency = p_currency
 AND fx.rate_date = fx_day(rate_date('pipeline_generated', o.created_date, o.close_date, p_as_of, p_start))
WHERE o.created_date BETWEEN p_start AND p_end
  AND (CAST(p_region AS VARCHAR) IS NULL OR o.region = p_region)
  AND (CAST(p_segment AS VARCHAR) IS NULL OR o.segment = p_segment)
  AND owned_by(o.owner_id, CAST(p_owner AS VARCHAR));
