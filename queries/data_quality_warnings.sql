-- Warnings
-- Summary: Problems that did not stop the load, how many records each concerns, and what to do.
-- Problems that did not stop the load: orphan references, unmapped stages, currencies without a
-- rate, unowned leads, deals without contact roles, missing optional objects. Each with how many
-- records it concerns, a few Ids to look up in the CRM, and what to do. needs_action is false for the
-- items that are information only ("Nothing to do"); advice is said for the people who run the CRM, never as a
-- change to this dashboard's code.
-- Grain: one row per kind of problem and object.
SELECT
    object,
    -- the warning's code in words ("lead_without_owner" -> "Lead without owner"); the code stays in ingest_warning
    upper(substr(code, 1, 1)) || replace(substr(code, 2), '_', ' ') AS code,
    message,
    count AS records,
    array_to_string(sample_ids, ', ') AS example_ids,
    CASE WHEN code = 'custom_columns'
            THEN 'Nothing to do: the column is kept as loaded; ask whoever maintains this dashboard if a metric should use it'
        ELSE advice
    END AS advice,
    NOT starts_with(lower(advice), 'nothing to do') AS needs_action
FROM ingest_warning
ORDER BY needs_action DESC, code = 'missing_object', count DESC, object, code
