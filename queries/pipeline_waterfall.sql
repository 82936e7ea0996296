-- Pipeline changes
-- Summary: How the open pipeline got from one date to another: created, pulled in, pushed out, grown or shrunk, won and lost.
-- The open pipeline closing by end_date (the quarter's end) at the end of `since`, each step of its
-- movement up to the as-of date, and the open pipeline then (pipeline_moves: the deal-level steps; the
-- start and end rows are open_pipeline_at at each date, the Overview's and Quota's open pipeline, and
-- start + steps = end exactly). Steps: created (+), pulled in (+, close date moved into the window),
-- pushed out (-, close date moved past end_date), amount changes (+/-, exchange-rate moves included),
-- won (-), lost (-), other (gone from the export or reopened). source: where the deals' states at the
-- two dates come from (snapshots, stage history, or created and close dates). net_change: open at end
-- minus open at start (the same on every row).
-- Grain: one row per step, in waterfall order. Filters: region, segment, owner or team (NULL = all).
-- Deals without an exchange rate count 0 and are counted in `unconverted`.
WITH moves AS (
    SELECT * FROM pipeline_moves($since, $as_of, $start_date, $end_date, $currency, $region, $segment, $owner)
),

steps AS (
    SELECT * FROM (
        VALUES
        (1, 'open_start', 'Open at start', 'start'),
        (2, 'created', 'Created', 'step'),
        (3, 'pulled_in', 'Pulled in', 'step'),
        (4, 'pushed_out', 'Pushed out', 'step'),
        (5, 'amount_changed', 'Amount changes', 'step'),
        (6, 'won', 'Won', 'step'),
        (7, 'lost', 'Lost', 'step'),
        (8, 'other', 'Other', 'step'),
        (9, 'open_end', 'Open at end', 'end')
    ) AS t (position, step, step_label, kind)  -- noqa: AL05
),

amounts AS (
    SELECT step, count(*) AS deals, sum(change) AS amount, count(*) FILTER (WHERE is_unconverted) AS unconverted
    FROM moves GROUP BY step
    UNION ALL
    SELECT 'open_start', count(*), coalesce(sum(start_amount), 0), count(*) FILTER (WHERE start_amount IS NULL)
    FROM moves WHERE in_start
    UNION ALL
    SELECT 'open_end', count(*), coalesce(sum(end_amount), 0), count(*) FILTER (WHERE end_amount IS NULL)
    FROM moves WHERE in_end
)

SELECT
    s.position, s.step, s.step_label, s.kind, coalesce(a.deals, 0) AS deals,
    cast(coalesce(a.amount, 0) AS DECIMAL(18, 2)) AS amount, coalesce(a.unconverted, 0) AS unconverted,
    cast(
        sum(CASE s.kind WHEN 'end' THEN coalesce(a.amount, 0) WHEN 'start' THEN -coalesce(a.amount, 0) END) OVER ()
        AS DECIMAL(18, 2)
    ) AS net_change,
    state_source_at($since) AS source_start, state_source_at($as_of) AS source_end
FROM steps s
LEFT JOIN amounts a ON a.step = s.step
ORDER BY s.position
