-- Filter choices
-- Summary: The regions, segments, owners and currencies the filters offer.
-- The values the global filters offer: regions (in the definitions' order), segments, owners (sales
-- users and anyone who owns a deal or a quota, keyed by Id, with the email added when two share a name;
-- a manager stands for the whole team) and the currencies that have exchange rates.
-- Grain: one row per filter kind and value.
SELECT kind, value, label, position FROM filter_choice ORDER BY kind, position, value
