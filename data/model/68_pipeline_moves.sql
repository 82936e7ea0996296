-- pipeline_moves(p_from, p_to, p_period_start, p_close_by, p_currency, p_region, p_segment, p_owner): how
-- the open pipeline closing by p_close_by (NULL = any close date) moved from the end of p_from to the end
-- of p_to, one row per deal open in it at either date, in p_currency. The two ends are open_pipeline_at
-- at each date (the Overview's and Quota's open pipeline; p_period_start is the period start the currency
-- policy may use), so start + every change = end exactly. Each deal's step, from how it stood at both dates
-- (deals_at: snapshots when there are several, else stage history, else the created and close dates):
--   open in it at both dates: 'amount_changed' when its converted amount differs (exchange-rate moves
--   included), else 'unchanged';
--   only at the start: 'won', 'lost', 'pushed_out' (still open, close date now after p_close_by), or
--   'other' (gone from the export);
--   only at the end: 'created' (created after p_from), 'pulled_in' (open then, close date was after
--   p_close_by), or 'other' (reopened).
-- in_start, in_end: open in it at the start, at the end. change = end amount - start amount (a missing
-- side and an amount without an exchange rate count 0; is_unconverted flags them). A deal created and
-- closed between the dates was in neither pipeline.
-- close_date_moved_days: how far its close date moved (positive: later, a slip).
CREATE MACRO pipeline_moves(
    p_from, p_to, p_period_start, p_close_by, p_currency, p_region, p_segment, p_owner
) AS TABLE
    WITH a AS (
        SELECT * FROM deals_valued_at(p_period_start, p_close_by, p_from, p_currency, p_region, p_segment, p_owner)
    ),

    b AS (
        SELECT * FROM deals_valued_at(p_period_start, p_close_by, p_to, p_currency, p_region, p_segment, p_owner)
    ),

    joined AS (
        -- a deal in the open pipeline at either date (in_start, in_end: open_pipeline_at's rows at each date)
        SELECT
            coalesce(a.opportunity_id, b.opportunity_id) AS opportunity_id,
            -- the deal's owner, region and segment are the same at both dates (opportunity_state carries them on
            -- every version). Its name and account are for the lists: drill_pipeline_changes joins them.
            coalesce(a.owner_id, b.owner_id) AS owner_id, coalesce(a.region, b.region) AS region,
            coalesce(a.segment, b.segment) AS segment,
            coalesce(a.is_open_pipeline, FALSE) AS in_start, coalesce(b.is_open_pipeline, FALSE) AS in_end,
            a.stage_category AS from_category, a.stage_name AS from_stage, a.amount AS from_amount,
            a.close_date AS from_close_date, CASE WHEN a.is_open_pipeline THEN a.amount_rep END AS start_amount,
            b.stage_category AS to_category, b.stage_name AS to_stage, b.amount AS to_amount,
            b.close_date AS to_close_date, CASE WHEN b.is_open_pipeline THEN b.amount_rep END AS end_amount,
            CASE WHEN b.is_open_pipeline THEN b.currency_code ELSE a.currency_code END AS currency_code,
            (coalesce(a.is_open_pipeline, FALSE) AND a.factor IS NULL)
            OR (coalesce(b.is_open_pipeline, FALSE) AND b.factor IS NULL) AS is_unconverted
        FROM a
        FULL JOIN b ON b.opportunity_id = a.opportunity_id
        WHERE a.is_open_pipeline OR b.is_open_pipeline
    )

    SELECT
        j.opportunity_id, j.owner_id, j.region, j.segment,
        CASE
            WHEN j.in_start AND j.in_end
                THEN
                    CASE WHEN coalesce(j.end_amount, 0) <> coalesce(j.start_amount, 0) THEN 'amount_changed' ELSE 'unchanged' END
            WHEN j.in_start
                THEN
                    CASE j.to_category
                        WHEN 'won' THEN 'won' WHEN 'lost' THEN 'lost' WHEN 'open' THEN 'pushed_out' ELSE 'other'
                    END
            WHEN j.from_category IS NULL THEN 'created'
            WHEN j.from_category = 'open' THEN 'pulled_in'
            ELSE 'other'
        END AS step,
        j.in_start,
        j.in_end,
        j.from_stage,
        j.from_category,
        j.from_amount,
        j.from_close_date,
        j.to_stage,
        j.to_category,
        j.to_amount,
        j.to_close_date, j.currency_code, j.start_amount, j.end_amount,
        cast(coalesce(j.end_amount, 0) - coalesce(j.start_amount, 0) AS DECIMAL(18, 2)) AS change,
        j.is_unconverted,
        datediff('day', j.from_close_date, j.to_close_date) AS close_date_moved_days
    FROM joined j;

-- state_source_at(p_as_of): where deals_at reads deals as they stood at p_as_of, in words: 'snapshots'
-- (two or more loads' snapshots cover the date), 'stage history' (OpportunityHistory), else 'created and
-- close dates' (what one export tells).
CREATE MACRO state_source_at(p_as_of) AS
CASE
    WHEN
        (SELECT count(DISTINCT cast(as_of AS DATE)) FROM snapshot_load) >= 2
        AND cast(p_as_of AS DATE) >= (SELECT min(cast(as_of AS DATE)) FROM snapshot_load)
        THEN 'snapshots'
    WHEN EXISTS (SELECT 1 FROM stg_opportunity_stage_history) THEN 'stage history'
    ELSE 'created and close dates'
END;
