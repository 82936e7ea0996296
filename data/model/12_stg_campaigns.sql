-- stg_campaigns: one row per campaign. channel: campaign_channels[type] (matched ignoring case and
-- surrounding spaces), else the type itself.
-- is_hand_raise: the type is one of mql.hand_raise_campaign_types (ignoring case). Costs carry their currency (the
-- export's CurrencyIsoCode, else the corporate currency).
CREATE TABLE stg_campaigns AS
SELECT
    c.campaign_id,
    c.campaign_name,
    c.campaign_type,
    coalesce(ch.channel, c.campaign_type, 'Unknown') AS channel,
    c.status,
    c.start_date,
    c.end_date,
    c.budgeted_cost,
    c.actual_cost,
    coalesce(c.currency_code, (SELECT value FROM cfg_setting WHERE key = 'corporate_currency')) AS currency_code,
    c.parent_campaign_id,
    coalesce(c.is_active, TRUE) AS is_active,
    coalesce(lower(trim(c.campaign_type)) IN (SELECT value_lower FROM cfg_value WHERE list_name = 'hand_raise_type'), FALSE)
        AS is_hand_raise
FROM typed_campaign c
LEFT JOIN cfg_channel ch ON ch.campaign_type = lower(trim(c.campaign_type));
