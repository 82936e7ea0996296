-- Campaign touches behind a number
-- Summary: The campaign touches credited with the pipeline you clicked; their credits add up to it.
-- The credit rows of Attribution credit (attribution_credits) under one model with the page's filters,
-- narrowed to one bar: slice_kind "channel" or "campaign" (campaign Id) equal to slice_value. Each row is
-- one touch's share of one deal's amount; a deal with no touch is one "Unattributed" row with its whole
-- amount. Grain: one row per touch and deal, largest credit first, at most `limit` rows from `offset`;
-- rows_total and amount_total are those of every row. Filters: region, segment, owner or team (NULL = all).
WITH credits AS (
    SELECT c.*
    FROM attribution_credits($start_date, $end_date, $as_of, $currency, $region, $segment, $owner, $model) c
    WHERE cast($slice_kind AS VARCHAR) IS NULL
        OR ($slice_kind = 'channel' AND c.channel = $slice_value)
        OR ($slice_kind = 'campaign' AND c.campaign_id IS NOT DISTINCT FROM nullif($slice_value, ''))
)

SELECT
    coalesce(cp.campaign_name, c.campaign_id, '(no campaign: unattributed)') AS campaign_name, c.channel,
    o.opportunity_name, c.stage_category, c.model, c.credit AS amount, c.campaign_id, c.campaign_member_id,
    c.opportunity_id,
    count(*) OVER () AS rows_total,
    sum(c.credit) OVER () AS amount_total
FROM credits c
LEFT JOIN stg_campaigns cp ON cp.campaign_id = c.campaign_id
LEFT JOIN stg_opportunities o ON o.opportunity_id = c.opportunity_id
ORDER BY c.credit DESC, c.opportunity_id, c.campaign_member_id
LIMIT $limit OFFSET $offset
