-- Snapshots stored
-- Summary: Every dated snapshot of the deals and leads kept from your loads, and how many changes each one stored.
-- One row per snapshot in snapshot_load (data/model/22_snapshots.sql): its time (the export's, given with
-- --as-of-export or the newest moment in it), where that time came from, the export, when it was loaded,
-- its deals and leads, and the change rows it stored (0 when it repeats the snapshot before it).
-- Grain: one row per snapshot, newest first.
SELECT
    as_of AS snapshot_at,
    as_of_source,
    source,
    loaded_at,
    opportunities,
    opportunity_changes,
    leads,
    lead_changes
FROM snapshot_load
ORDER BY as_of DESC
