-- Slices the pages split by and a drill-down filters on, each written once so that a chart's bar and the
-- records behind it use the same rule.
--
-- deal_split(p_dimension, segment, industry, region, is_marketing_sourced, employees): the value of a deal
-- for one firmographic dimension ("segment", "industry", "region", "source" = Marketing or Sales,
-- "employees" = a band of the account's employees), '(unknown)' when missing.
CREATE MACRO deal_split(p_dimension, p_segment, p_industry, p_region, p_marketing, p_employees) AS
coalesce(CASE p_dimension
    WHEN 'segment' THEN p_segment
    WHEN 'industry' THEN p_industry
    WHEN 'region' THEN p_region
    WHEN 'source' THEN CASE WHEN p_marketing THEN 'Marketing' ELSE 'Sales' END
    WHEN 'employees' THEN CASE WHEN p_employees < 50 THEN '1-49' WHEN p_employees < 200 THEN '50-199'
            WHEN p_employees < 1000 THEN '200-999' WHEN p_employees < 5000 THEN '1,000-4,999'
            WHEN p_employees >= 5000 THEN '5,000+'
        END
END, '(unknown)');

-- response_bucket(p_minutes): the band of a first response for "what slow follow-up costs": '0-5 min',
-- '5-15 min', '15-60 min', '1-4 h', '4-24 h', 'over 1 day', or 'never' (no touch yet).
CREATE MACRO response_bucket(p_minutes) AS
CASE WHEN p_minutes IS NULL THEN 'never' WHEN p_minutes < 5 THEN '0-5 min' WHEN p_minutes < 15 THEN '5-15 min'
    WHEN p_minutes < 60 THEN '15-60 min' WHEN p_minutes < 240 THEN '1-4 h' WHEN p_minutes < 1440 THEN '4-24 h'
    ELSE 'over 1 day'
END;

-- response_bin(p_minutes): the 5-minute bin of a first response (its start), 120 = two hours or more.
CREATE MACRO response_bin(p_minutes) AS cast(least(floor(p_minutes / 5) * 5, 120) AS INTEGER);
