-- fiscal_quarter_of(d), fiscal_quarter_end(d): the fiscal quarter holding a date, in one place. The
-- fiscal year starts in the month company.fiscal_year_start_month (fy_start_month(), written at load).
CREATE MACRO fiscal_quarter_of(d) AS fiscal_quarter_start(d, fy_start_month());
CREATE MACRO fiscal_quarter_end(d) AS cast(fiscal_quarter_of(d) + INTERVAL 3 MONTH AS DATE) - 1;
-- fiscal_quarter_back(d, k): the start of the fiscal quarter k quarters before the one holding d.
CREATE MACRO fiscal_quarter_back(d, k) AS cast(fiscal_quarter_of(d) - to_months(3 * k) AS DATE);
