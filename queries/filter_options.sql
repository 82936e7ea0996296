-- Filter choices
-- The values the global filters offer: regions (in the definitions' order), segments, owners (sales
-- users; a manager stands for the whole team) and the currencies that have exchange rates.
-- Grain: one row per filter kind and value.
SELECT 'region' AS kind, region AS value, region AS label, position FROM cfg_region
UNION ALL
SELECT 'segment', segment, segment, position FROM cfg_segment
UNION ALL
SELECT 'owner', u.user_id,
       u.user_name || CASE WHEN EXISTS (SELECT 1 FROM stg_users r WHERE r.manager_id = u.user_id) THEN ' (team)' ELSE '' END,
       row_number() OVER (ORDER BY u.user_name)
FROM stg_users u WHERE u.is_sales
UNION ALL
SELECT 'currency', currency_code, currency_code, row_number() OVER (ORDER BY currency_code)
FROM (SELECT DISTINCT currency_code FROM fx_daily)
ORDER BY kind, position, value
