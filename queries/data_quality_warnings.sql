-- Warnings
-- Problems that did not stop the load: orphan references, unmapped stages, currencies without a
-- rate, unowned leads, deals without contact roles, missing optional objects. Each with how many
-- records it concerns, a few Ids to look up in the CRM, and what to do.
-- Grain: one row per kind of problem and object.
SELECT
    object,
    code,
    message,
    count AS records,
    array_to_string(sample_ids, ', ') AS example_ids,
    advice
FROM ingest_warning
ORDER BY code = 'missing_object', count DESC, object, code
