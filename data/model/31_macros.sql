-- The scalar macros every query uses, each rule once. Values in double braces are the definitions'
-- settings and the range of known exchange rates, written in as SQL literals when the database is built
-- (data/ingest/build.py, macro_values): a lookup of cfg_setting inside a join condition would turn hash
-- joins into nested loops.
-- fx_day(d): the day whose rate converts an amount dated d: d itself within the range of known rates,
-- else the nearest end of it (a future close date takes the latest rate).
CREATE MACRO fx_day(d) AS least(greatest(cast(d AS DATE), {{fx_first_day}}), {{fx_last_day}});
-- to_money(x): a number rounded to the cent, as money: half a cent away from zero, rounded from a DECIMAL
-- (rounding a DOUBLE at a half cent differs between engines: DuckDB and Spark split credits a cent apart).
CREATE MACRO to_money(x) AS cast(round(cast(x AS DECIMAL(38, 9)), 2) AS DECIMAL(18, 2));
-- convert_money(amount, factor): an amount converted with a factor from fx_conversion, rounded to the cent
-- (NULL when there is no factor: such amounts are never summed as if converted).
CREATE MACRO convert_money(amount, factor) AS to_money(cast(amount AS DOUBLE) * factor);
-- rate_date(measure, created, closed, as_of, period_start): the currency policy ([currency] in the
-- definitions): which date's rate converts each measure.
CREATE MACRO rate_date(measure, created, closed, as_of, period_start) AS
CASE measure
    WHEN 'won_lost' THEN {{won_lost_date}}
    WHEN 'pipeline_generated' THEN {{pipeline_generated_date}}
    WHEN 'open_pipeline' THEN {{open_pipeline_date}}
    WHEN 'constant_currency' THEN {{constant_currency_date}}
END;
-- window_before(since, as_of): the first day of the window of the same length just before the days after
-- `since` up to `as_of` (that window ends on `since`): what "against the window before" compares with.
CREATE MACRO window_before(since, as_of) AS
cast(since AS DATE) + 1 - cast(cast(as_of AS DATE) - cast(since AS DATE) AS INTEGER);
-- owned_by(owner, who): a record owned by the person `who`, or by someone who reports to them
-- (a manager stands for their team); who NULL = everyone.
CREATE MACRO owned_by(owner, who) AS
who IS NULL OR owner = who OR owner IN (SELECT user_id FROM stg_users WHERE manager_id = who);
-- fiscal_quarter_start(d, fy_month): the first day of the fiscal quarter holding d, for a fiscal year
-- starting in month fy_month. fy_start_month(), unknown_region(): the definitions' settings.
CREATE MACRO fiscal_quarter_start(d, fy_month) AS
cast(date_trunc('quarter', cast(d AS DATE) - to_months(fy_month - 1)) + to_months(fy_month - 1) AS DATE);
-- person_of(contact_id, lead_id): the person a touch or a lead stands for: the contact when there is one (a
-- converted lead's touches follow its contact), else the lead. Worked out where it is read, not stored with
-- each of tens of millions of campaign members (writing the column was about 4 s of the large sample's load).
CREATE MACRO person_of(contact_id, lead_id) AS coalesce(contact_id, lead_id);
CREATE MACRO fy_start_month() AS {{fiscal_year_start_month}};
CREATE MACRO unknown_region() AS {{unknown_region}};
