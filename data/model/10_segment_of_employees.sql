-- segment_of_employees: the segment of every employee count in the export (accounts' and leads'), the one
-- rule behind stg_accounts.segment and stg_leads.segment: the first configured employee band (by position)
-- whose max_employees >= employees; a count above every band, or no count, has no segment (NULL).
-- Worked out once per distinct count: ten million leads share a few thousand counts.
CREATE TABLE segment_of_employees AS
WITH employee_counts AS (
    SELECT employees FROM typed_account WHERE employees IS NOT NULL
    UNION
    SELECT employees FROM typed_lead WHERE employees IS NOT NULL
),

bands AS (
    SELECT
        c.employees,
        s.segment,
        row_number() OVER (PARTITION BY c.employees ORDER BY s.position) AS rank_in_count
    FROM employee_counts c
    INNER JOIN cfg_segment s ON c.employees <= s.max_employees
)

SELECT employees, segment FROM bands WHERE rank_in_count = 1;
