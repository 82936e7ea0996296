-- attribution_share: each touch's share of its opportunity under every model. Shares of one
-- opportunity and model sum to 1; queries turn them into money so that credits sum exactly to the
-- amount. Touches before creation (ordered by time, ties by member Id) feed every model except
-- full path, which follows the journey to the close (open deals: to the data date).
-- Key-touch models: a key's share goes to the touch at that position (two keys on one touch add
-- up); the spread share is split evenly over the other touches, or over the key touches when
-- there are no others; a journey of one or two touches is split evenly.
--   first_touch 100% first | last_touch 100% last before creation | linear 1/n
--   u_shaped 40% first, 40% last, 20% spread | w_shaped 30% first, 30% middle, 30% last, 10% spread
--   full_path 22.5% first, middle, last before creation and last before close, 10% spread
--   time_decay weight 0.5 ^ (days before creation / half-life), normalised
-- The middle key is the first hand-raise strictly between first and last, else the middle touch.
-- share_rank: the touch's rank by share within its opportunity and model (largest first; ties: earliest,
-- then member Id): rank 1 takes the cent-rounding remainder in attribution_credits. Stored here, as it
-- depends on nothing a query chooses.
-- Stored in order of opportunity_created_date (period filters skip most row groups).
CREATE TABLE attribution_share AS
WITH pre AS (
    SELECT
        *,
        coalesce(min(pos_pre) FILTER (WHERE is_hand_raise AND pos_pre > 1 AND pos_pre < n_pre)
            OVER (PARTITION BY opportunity_id), (n_pre + 1) // 2) AS mid
    FROM opportunity_touch WHERE is_before_creation
),

journey AS (
    SELECT
        *,
        coalesce(min(pos_all) FILTER (WHERE is_hand_raise AND pos_all > 1 AND pos_all < n_all)
            OVER (PARTITION BY opportunity_id), (n_all + 1) // 2) AS mid,
        greatest(n_pre, 1) AS creation_pos
    FROM opportunity_touch
),

journey_keys AS (
    SELECT *, list_distinct([1, mid, creation_pos, n_all]) AS keys FROM journey
),

half_life AS (
    SELECT cast(value AS DOUBLE) AS days FROM cfg_setting WHERE key = 'time_decay_half_life_days'
),

decay AS (
    SELECT
        *, pow(
            0.5, cast(date_diff('second', touched_at, opportunity_created_at) AS DOUBLE) / 86400
            / (SELECT days FROM half_life)
        ) AS weight
    FROM pre
)

SELECT
    *, row_number() OVER (PARTITION BY opportunity_id, model ORDER BY share DESC, touched_at, campaign_member_id)
        AS share_rank
FROM (
    SELECT
        opportunity_id, opportunity_created_date, 'first_touch' AS model, campaign_member_id, campaign_id, channel, touched_at,
        CASE WHEN pos_pre = 1 THEN 1.0 ELSE 0.0 END AS share
    FROM pre
    UNION ALL
    SELECT
        opportunity_id, opportunity_created_date, 'last_touch', campaign_member_id, campaign_id, channel, touched_at,
        CASE WHEN pos_pre = n_pre THEN 1.0 ELSE 0.0 END
    FROM pre
    UNION ALL
    SELECT
        opportunity_id, opportunity_created_date, 'linear', campaign_member_id, campaign_id, channel, touched_at,
        cast(1 AS DOUBLE) / n_pre
    FROM pre
    UNION ALL
    SELECT
        opportunity_id, opportunity_created_date, 'u_shaped', campaign_member_id, campaign_id, channel, touched_at,
        CASE WHEN n_pre <= 2 THEN cast(1 AS DOUBLE) / n_pre
            WHEN pos_pre IN (1, n_pre) THEN 0.4
            ELSE cast(0.2 AS DOUBLE) / (n_pre - 2)
        END
    FROM pre
    UNION ALL
    SELECT
        opportunity_id, opportunity_created_date, 'w_shaped', campaign_member_id, campaign_id, channel, touched_at,
        CASE WHEN n_pre <= 2 THEN cast(1 AS DOUBLE) / n_pre
            WHEN n_pre = 3 THEN cast(1 AS DOUBLE) / 3
            WHEN pos_pre IN (1, mid, n_pre) THEN 0.3
            ELSE cast(0.1 AS DOUBLE) / (n_pre - 3)
        END
    FROM pre
    UNION ALL
    SELECT
        opportunity_id, opportunity_created_date, 'full_path', campaign_member_id, campaign_id, channel, touched_at,
        CASE WHEN n_all <= 2 THEN cast(1 AS DOUBLE) / n_all
            ELSE 0.225 * (
                    cast(pos_all = 1 AS INTEGER) + cast(pos_all = mid AS INTEGER)
                    + cast(pos_all = creation_pos AS INTEGER) + cast(pos_all = n_all AS INTEGER)
                )
                + CASE WHEN n_all > array_length(keys)
                        THEN (CASE WHEN list_contains(keys, pos_all) THEN 0.0
                            ELSE cast(0.1 AS DOUBLE) / (n_all - array_length(keys))
                        END)
                    ELSE cast(0.1 AS DOUBLE) / array_length(keys)
                END
        END
    FROM journey_keys
    UNION ALL
    SELECT
        opportunity_id, opportunity_created_date, 'time_decay', campaign_member_id, campaign_id, channel, touched_at,
        weight / sum(weight) OVER (PARTITION BY opportunity_id)
    FROM decay
) AS shares
ORDER BY opportunity_created_date, opportunity_id, model;
