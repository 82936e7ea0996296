-- mql_followup: every MQL with its response time, in wall-clock minutes and in business minutes of
-- the region's working calendar (work_day: hours in the region's time zone, weekends and public
-- holidays off), and the region's SLA target. Untouched MQLs have NULL response times; queries
-- judge them against the as-of date (a breach once the target has passed).
CREATE TABLE mql_followup AS
WITH clocked AS (
    SELECT
        m.*, rc.target_minutes,
        cast(timezone(rc.time_zone, timezone('UTC', m.mql_at)) AS DATE) AS mql_local_date,
        cast(timezone(rc.time_zone, timezone('UTC', m.first_touch_at)) AS DATE) AS touch_local_date
    FROM mql m JOIN region_clock rc ON rc.region = m.region
)

SELECT
    c.* EXCLUDE (mql_local_date, touch_local_date),
    cast(date_diff('second', c.mql_at, c.first_touch_at) AS DOUBLE) / 60 AS response_minutes,
    (t.cum_minutes_before + CASE WHEN t.open_utc IS NULL THEN 0
        ELSE cast(date_diff('second', t.open_utc, least(greatest(c.first_touch_at, t.open_utc), t.close_utc)) AS DOUBLE) / 60
    END)
    - (s.cum_minutes_before + CASE WHEN s.open_utc IS NULL THEN 0
        ELSE cast(date_diff('second', s.open_utc, least(greatest(c.mql_at, s.open_utc), s.close_utc)) AS DOUBLE) / 60
    END)
        AS response_business_minutes,
    s.cum_minutes_before + CASE WHEN s.open_utc IS NULL THEN 0
        ELSE cast(date_diff('second', s.open_utc, least(greatest(c.mql_at, s.open_utc), s.close_utc)) AS DOUBLE) / 60 END
        AS mql_business_clock
FROM clocked c
LEFT JOIN work_day s ON s.region = c.region AND s.local_date = c.mql_local_date
LEFT JOIN work_day t ON t.region = c.region AND t.local_date = c.touch_local_date;
