-- Deals behind a number
-- Summary: The deals behind the number you clicked, with the same filters; their amounts add up to it.
-- The records of one deal measure, read from that measure's own building block with the page's filters,
-- so the rows always add up to the number: pipeline created, marketing-sourced and influenced
-- (pipeline_with_influence, opportunity_source); won, lost and closed (closed_in_period, bookings); open
-- pipeline closing by the quarter's end (open_pipeline_at). A slice narrows to one bar of a chart:
-- slice_kind "channel" (sourcing channel), "sourced_by", "touch_channel" (a marketing touch in that
-- channel), "stage", or a firmographic dimension of Win rate ("segment", "industry", "employees",
-- "region", "source"), equal to slice_value. Deals without an exchange rate are listed with no converted
-- amount. Grain: one row per deal, largest first, at most `limit` rows from `offset`; rows_total and
-- amount_total are those of every row. Filters: region, segment, owner or team (NULL = all).
WITH created AS (
    -- the three measures' rows share one column order (UNION ALL by position: Spark has no UNION BY NAME)
    SELECT p.* EXCLUDE (is_influenced), s.sourced_by, s.channel AS source_channel, p.is_influenced AS influenced
    FROM pipeline_with_influence($start_date, $end_date, $as_of, $currency, $region, $segment, $owner) p
    JOIN opportunity_source s ON s.opportunity_id = p.opportunity_id
    WHERE $measure IN ('pipeline', 'marketing_sourced', 'influenced')
        AND ($measure <> 'marketing_sourced' OR s.is_marketing_sourced)
        AND ($measure <> 'influenced' OR p.is_influenced)
),

closed AS (
    SELECT c.*, s.sourced_by, s.channel AS source_channel, NULL::BOOLEAN AS influenced
    FROM closed_in_period($start_date, $end_date, $as_of, $currency, $region, $segment, $owner) c
    JOIN opportunity_source s ON s.opportunity_id = c.opportunity_id
    WHERE $measure IN ('won', 'lost', 'closed') AND ($measure = 'closed' OR c.stage_category = $measure)
),

open_deals AS (
    SELECT o.*, s.sourced_by, s.channel AS source_channel, NULL::BOOLEAN AS influenced
    FROM open_pipeline_at(
            $start_date, CASE WHEN $measure = 'open' THEN $end_date END, $as_of, $currency, $region,
            $segment, $owner
        ) o
    JOIN opportunity_source s ON s.opportunity_id = o.opportunity_id
    WHERE $measure IN ('open', 'open_any')
),

picked AS (
    SELECT * FROM created
    UNION ALL
    SELECT * FROM closed
    UNION ALL
    SELECT * FROM open_deals
),

sliced AS (
    SELECT d.*, a.account_name, u.user_name AS owner
    FROM picked d
    LEFT JOIN stg_accounts a ON a.account_id = d.account_id
    LEFT JOIN stg_users u ON u.user_id = d.owner_id
    WHERE cast($slice_kind AS VARCHAR) IS NULL
        OR ($slice_kind = 'channel' AND d.source_channel = $slice_value)
        OR ($slice_kind = 'sourced_by' AND d.sourced_by = $slice_value)
        OR ($slice_kind = 'stage' AND coalesce(d.stage_name, '(stage unknown: no stage history)') = $slice_value)
        OR ($slice_kind = 'touch_channel' AND EXISTS (
            SELECT 1 FROM opportunity_touch t
            WHERE t.opportunity_id = d.opportunity_id AND t.channel = $slice_value
                AND t.opportunity_created_date BETWEEN $start_date AND $end_date
                AND t.touched_at < cast($as_of AS DATE) + INTERVAL 1 DAY
        ))
        OR (
            $slice_kind IN ('segment', 'industry', 'employees', 'region', 'source')
            AND deal_split($slice_kind, d.segment, a.industry, d.region, d.sourced_by = 'Marketing', a.employees)
            = $slice_value
        )
)

SELECT
    opportunity_name, account_name, owner, region, segment, stage_name, stage_category, created_date, close_date,
    sourced_by, source_channel AS channel, influenced AS is_influenced, currency_code, amount AS amount_local,
    amount_rep AS amount, opportunity_id,
    count(*) OVER () AS rows_total,
    sum(amount_rep) OVER () AS amount_total
FROM sliced
ORDER BY amount_rep DESC NULLS LAST, opportunity_id
LIMIT $limit OFFSET $offset
