-- persona_of_title: the persona of every job title in the export (leads' and contacts'), the one rule
-- behind stg_leads.persona and stg_contacts.persona: the first personas entry (by priority) with a keyword
-- among the title's words, matched on whole words ignoring case ("CTO" does not match "Director"); no match
-- leaves the title out (persona NULL). Worked out once per distinct title: tens of millions of leads
-- share a few thousand titles.
CREATE TABLE persona_of_title AS
WITH titles AS (
    SELECT title FROM typed_lead WHERE title IS NOT NULL
    UNION
    SELECT title FROM typed_contact WHERE title IS NOT NULL
),

matches AS (
    SELECT
        t.title,
        p.persona,
        row_number() OVER (PARTITION BY t.title ORDER BY p.priority) AS rank_in_title
    FROM titles t
    INNER JOIN cfg_persona p
        ON contains(' ' || regexp_replace(lower(t.title), '[^a-z0-9]+', ' ', 'g') || ' ', p.keyword_lower)
)

SELECT title, persona FROM matches WHERE rank_in_title = 1;
