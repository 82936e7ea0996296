-- Regions and clocks
-- Summary: Each region's SLA target, time zone, working hours and holidays.
-- Each region: the countries mapped to it, its SLA target, its working hours and time zone, and the
-- country whose public holidays it observes. Grain: one row per region.
SELECT
    r.region,
    (SELECT string_agg(country_key, ', ' ORDER BY country_key) FROM cfg_country_region c WHERE c.region = r.region) AS countries,
    coalesce(s.target_minutes, cast((SELECT value FROM cfg_setting WHERE key = 'sla_target_minutes') AS INTEGER))
        AS sla_target_minutes,
    s.time_zone,
    s.work_start || '-' || s.work_end AS working_hours,
    array_to_string(s.work_days, ', ') AS working_days,
    s.holidays AS holiday_calendar
FROM cfg_region r LEFT JOIN cfg_sla_region s ON s.region = r.region
ORDER BY r.position
