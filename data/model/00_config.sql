-- cfg_*: the shared definitions (definitions.toml) as small tables that the model joins, kept in the
-- database for reference and for the Definitions page. The load fills them from the validated
-- definitions with bound parameters (data/ingest/build.py, fill_config). cfg_target: the Overview's
-- targets ([targets]): one company row (region NULL) and one row per region with its own MQL target.
CREATE TABLE cfg_setting (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE cfg_region (region VARCHAR PRIMARY KEY, position INTEGER);
CREATE TABLE cfg_country_region (country_key VARCHAR PRIMARY KEY, region VARCHAR);
CREATE TABLE cfg_role_region (role_id VARCHAR PRIMARY KEY, region VARCHAR);
CREATE TABLE cfg_user_region (user_id VARCHAR PRIMARY KEY, region VARCHAR);
CREATE TABLE cfg_stage (stage_name VARCHAR PRIMARY KEY, stage_category VARCHAR);
CREATE TABLE cfg_forecast_category (name_lower VARCHAR PRIMARY KEY, forecast_group VARCHAR);
CREATE TABLE cfg_persona (keyword_lower VARCHAR, persona VARCHAR, priority INTEGER);
CREATE TABLE cfg_channel (campaign_type VARCHAR PRIMARY KEY, channel VARCHAR);
CREATE TABLE cfg_segment (segment VARCHAR, max_employees BIGINT, position INTEGER);
CREATE TABLE cfg_value (list_name VARCHAR, value VARCHAR, value_lower VARCHAR);
CREATE TABLE cfg_sla_region (
    region VARCHAR PRIMARY KEY, target_minutes INTEGER, time_zone VARCHAR, holidays VARCHAR, work_start VARCHAR,
    work_end VARCHAR, work_days VARCHAR[]
);
CREATE TABLE cfg_target (region VARCHAR, mqls_per_quarter INTEGER, sla_compliance DOUBLE, coverage DOUBLE);
