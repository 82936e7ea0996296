-- attribution_model: the attribution models, their names and display order, in one place.
CREATE TABLE attribution_model AS
SELECT * FROM (
    VALUES
    (1, 'first_touch', 'First touch'),
    (2, 'last_touch', 'Last touch (before creation)'),
    (3, 'linear', 'Linear'),
    (4, 'u_shaped', 'U-shaped (40/20/40)'),
    (5, 'w_shaped', 'W-shaped (30/30/30 + 10)'),
    (6, 'full_path', 'Full path (22.5 x 4 + 10)'),
    (7, 'time_decay', 'Time decay')
) AS t (position, model, label);  -- noqa: AL05

-- attribution_credits(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner, p_model): money
-- credited to each touch of the pipeline created in the period (pipeline_in_period), under one model
-- (NULL = every model). Each share is rounded to the cent and the rounding remainder goes to the touch
-- with the largest share (share_rank 1 in attribution_share; ties: earliest, then member Id), so an
-- opportunity's credits add up exactly to its amount. An opportunity without touches in a model gets one
-- "Unattributed" row with its whole amount (campaign_member_id NULL), so the credits of a model add up
-- exactly to total pipeline.
CREATE MACRO attribution_credits(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner, p_model) AS TABLE
    WITH opp AS (
        SELECT opportunity_id, stage_category, amount_rep AS amount
        FROM pipeline_in_period(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner)
        WHERE factor IS NOT NULL AND amount IS NOT NULL
    ),

    models AS (SELECT model FROM attribution_model WHERE cast(p_model AS VARCHAR) IS NULL OR model = p_model),

    shares AS (
        SELECT
            s.model, s.opportunity_id, s.campaign_member_id, s.campaign_id, s.channel, s.touched_at, o.stage_category,
            o.amount, to_money(cast(o.amount AS DOUBLE) * s.share) AS rounded, s.share_rank AS rank
        FROM attribution_share s
        JOIN opp o ON o.opportunity_id = s.opportunity_id
        WHERE s.model IN (SELECT model FROM models)
            AND s.opportunity_created_date BETWEEN p_start AND p_end  -- redundant with the join; lets the scan skip other periods
    )

    SELECT
        model, opportunity_id, campaign_member_id, campaign_id, channel, stage_category,
        rounded + CASE WHEN rank = 1 THEN amount - sum(rounded) OVER (PARTITION BY opportunity_id, model) ELSE 0 END
            AS credit
    FROM shares
    UNION ALL
    SELECT m.model, o.opportunity_id, NULL, NULL, 'Unattributed', o.stage_category, o.amount
    FROM opp o CROSS JOIN models m
    WHERE NOT EXISTS (
            SELECT
                1 FROM attribution_share s WHERE s.opportunity_id = o.opportunity_id AND s.model = m.model
                AND s.opportunity_created_date BETWEEN p_start AND p_end
        );
