-- stg_opportunity_stage_history: each change of an opportunity's stage, amount or close date.
CREATE TABLE stg_opportunity_stage_history AS
SELECT
    h.opportunity_history_id,
    h.opportunity_id,
    h.stage_name,
    h.amount,
    h.close_date,
    h.created_at AS changed_at
FROM typed_opportunity_history h;
