-- stg_quotas: one row per owner and quota period (ForecastingQuota), amount with its currency.
CREATE TABLE stg_quotas AS
SELECT
    q.quota_id,
    q.owner_id,
    q.period_start_date,
    q.amount,
    coalesce(q.currency_code, (SELECT value FROM cfg_setting WHERE key = 'corporate_currency')) AS currency_code,
    q.period_id
FROM typed_forecasting_quota q;
