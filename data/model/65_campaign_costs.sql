-- campaign_costs(p_start, p_end, p_as_of, p_currency): the campaigns active in the period (started by
-- the end of the period or the as-of date, whichever is earlier, and not ended before p_start), with
-- their actual cost in their own currency and converted into p_currency at the campaign's start date
-- (the nearest covered day through fx_day). cost is NULL when the campaign recorded no cost or its
-- currency has no rate; the cost of a campaign is company-wide: no region, segment or owner applies.
CREATE MACRO campaign_costs(p_start, p_end, p_as_of, p_currency) AS TABLE
    SELECT
        c.campaign_id, c.campaign_name, c.channel, c.currency_code, c.actual_cost, fx.factor,
        convert_money(c.actual_cost, fx.factor) AS cost
    FROM stg_campaigns c
    LEFT JOIN fx_conversion fx
        ON fx.from_currency = c.currency_code AND fx.to_currency = p_currency AND fx.rate_date = fx_day(c.start_date)
    WHERE coalesce(c.start_date, DATE '1900-01-01') <= least(cast(p_end AS DATE), cast(p_as_of AS DATE))
        AND coalesce(c.end_date, DATE '9999-12-31') >= p_start;
