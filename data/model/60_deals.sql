-- The building blocks of every deal and quota number, each rule written once. Every block reads the
-- deals as they stood at the end of p_as_of (opportunity_state): nothing created after it counts, a
-- deal closed later is still open, and a period never runs past the as-of date. Filters: region,
-- segment, owner or team (NULL = all). Amounts are converted into p_currency at the date the
-- currency policy picks for the measure; amount_rep (and factor) are NULL when the currency has no
-- rate, and such deals are counted apart, never summed.
--
-- deals_at(p_as_of, p_region, p_segment, p_owner): every deal created by p_as_of, as it stood then.
CREATE MACRO deals_at(p_as_of, p_region, p_segment, p_owner) AS TABLE
    SELECT
        s.opportunity_id, s.opportunity_name, s.account_id, s.owner_id, s.region, s.segment, s.created_at,
        s.created_date, s.lead_source, s.is_marketing_lead_source, s.campaign_id, s.opportunity_type, s.probability,
        s.currency_code, s.stage_name, s.stage_category, s.amount, s.close_date, s.state_source, s.forecast_category,
        s.forecast_group
    FROM opportunity_state s
    WHERE s.valid_from <= cast(p_as_of AS DATE) AND (s.valid_to IS NULL OR cast(p_as_of AS DATE) < s.valid_to)
        AND (cast(p_region AS VARCHAR) IS NULL OR s.region = p_region)
        AND (cast(p_segment AS VARCHAR) IS NULL OR s.segment = p_segment)
        AND owned_by(s.owner_id, cast(p_owner AS VARCHAR));

-- pipeline_in_period(...): pipeline generated: deals created from p_start to p_end (at most p_as_of),
-- converted at the date the policy picks for pipeline generated (default: the creation date).
CREATE MACRO pipeline_in_period(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner) AS TABLE
    SELECT d.*, fx.factor, convert_money(d.amount, fx.factor) AS amount_rep
    FROM deals_at(p_as_of, p_region, p_segment, p_owner) d
    LEFT JOIN fx_conversion fx
        ON fx.from_currency = d.currency_code AND fx.to_currency = p_currency
            AND fx.rate_date = fx_day(rate_date('pipeline_generated', d.created_date, d.close_date, p_as_of, p_start))
    WHERE d.created_date BETWEEN p_start AND least(cast(p_end AS DATE), cast(p_as_of AS DATE));

-- closed_in_period(...): deals won or lost with a close date from p_start to p_end (at most p_as_of),
-- converted at the date the policy picks for won and lost (default: the close date).
CREATE MACRO closed_in_period(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner) AS TABLE
    SELECT d.*, fx.factor, convert_money(d.amount, fx.factor) AS amount_rep
    FROM deals_at(p_as_of, p_region, p_segment, p_owner) d
    LEFT JOIN fx_conversion fx
        ON fx.from_currency = d.currency_code AND fx.to_currency = p_currency
            AND fx.rate_date = fx_day(rate_date('won_lost', d.created_date, d.close_date, p_as_of, p_start))
    WHERE d.stage_category IN ('won', 'lost')
        AND d.close_date BETWEEN p_start AND least(cast(p_end AS DATE), cast(p_as_of AS DATE));

-- bookings(...): the won deals of closed_in_period, whoever owns them. Bookings are counted by the
-- deal's region (its owner's region, else its account's country's region).
CREATE MACRO bookings(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner) AS TABLE
    SELECT * FROM closed_in_period(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner)
    WHERE stage_category = 'won';

-- deals_valued_at(p_start, p_close_by, p_as_of, ...): every deal as it stood at the end of p_as_of, with
-- is_open_pipeline: open then, with a close date at most p_close_by (NULL = any); those deals converted at
-- the date the policy picks for open pipeline (default: the as-of date; factor and amount_rep are NULL for
-- the others). p_start is the period start, for a policy of "period_start". The one rule behind
-- open_pipeline_at and pipeline_moves.
CREATE MACRO deals_valued_at(p_start, p_close_by, p_as_of, p_currency, p_region, p_segment, p_owner) AS TABLE
    SELECT
        d.* EXCLUDE (is_open_pipeline), fx.factor, convert_money(d.amount, fx.factor) AS amount_rep,
        coalesce(d.is_open_pipeline, FALSE) AS is_open_pipeline
    FROM (
        SELECT
            *,
            stage_category = 'open'
            AND (cast(p_close_by AS DATE) IS NULL OR close_date <= cast(p_close_by AS DATE)) AS is_open_pipeline
        -- named, so that the Spark compile's expansion is not called after the macro
        FROM deals_at(p_as_of, p_region, p_segment, p_owner) AS at_date  -- noqa: AL05
    ) AS d
    LEFT JOIN fx_conversion fx
        ON d.is_open_pipeline AND fx.from_currency = d.currency_code AND fx.to_currency = p_currency
            AND fx.rate_date = fx_day(rate_date('open_pipeline', d.created_date, d.close_date, p_as_of, p_start));

-- open_pipeline_at(p_start, p_close_by, p_as_of, ...): deals open at the end of p_as_of whose close date
-- is at most p_close_by (NULL = any), converted at the date the policy picks for open pipeline (default:
-- the as-of date): the rows of deals_valued_at in the open pipeline.
CREATE MACRO open_pipeline_at(p_start, p_close_by, p_as_of, p_currency, p_region, p_segment, p_owner) AS TABLE
    SELECT * EXCLUDE (is_open_pipeline)
    FROM deals_valued_at(p_start, p_close_by, p_as_of, p_currency, p_region, p_segment, p_owner)
    WHERE is_open_pipeline;

-- quota_in_period(p_start, p_end, p_currency, p_region, p_owner): quota rows whose period starts from
-- p_start to p_end, converted at p_start. A quota belongs to its owner's region (else regions.unknown);
-- quotas are set per owner, never per segment, so no segment filter applies to them.
CREATE MACRO quota_in_period(p_start, p_end, p_currency, p_region, p_owner) AS TABLE
    SELECT
        q.quota_id, q.owner_id, u.manager_id, coalesce(u.region, unknown_region()) AS region, q.period_start_date,
        q.amount, q.currency_code, fx.factor, convert_money(q.amount, fx.factor) AS amount_rep
    FROM stg_quotas q
    LEFT JOIN stg_users u ON u.user_id = q.owner_id
    LEFT JOIN fx_conversion fx
        ON fx.from_currency = q.currency_code AND fx.to_currency = p_currency AND fx.rate_date = fx_day(p_start)
    WHERE q.period_start_date BETWEEN p_start AND p_end
        AND (cast(p_region AS VARCHAR) IS NULL OR coalesce(u.region, unknown_region()) = p_region)
        AND owned_by(q.owner_id, cast(p_owner AS VARCHAR));

-- pipeline_with_influence(...): pipeline_in_period with is_influenced: at least one marketing touch
-- (opportunity_touch: a contact's touch from `created - lookback days` to the close date) by the end of
-- p_as_of. Influence is yes or no per opportunity, so influenced pipeline never exceeds total pipeline.
CREATE MACRO pipeline_with_influence(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner) AS TABLE
    SELECT
        o.*,
        exists(
            SELECT 1 FROM opportunity_touch t
            WHERE t.opportunity_id = o.opportunity_id
                AND t.opportunity_created_date BETWEEN p_start AND p_end  -- lets the scan skip other periods
                AND t.touched_at < cast(cast(p_as_of AS DATE) + INTERVAL 1 DAY AS TIMESTAMP)
        ) AS is_influenced
    FROM pipeline_in_period(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner) o;

-- regional_amounts(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner): the bookings and the
-- open pipeline closing by p_end (the blocks above), each with its factor at the day's rate (factor_day:
-- the policy's date) and at constant rates (factor_constant: the date the policy picks for constant
-- currency, default the period's start), so a region's FX effect is told from real growth in one place.
CREATE MACRO regional_amounts(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner) AS TABLE
    WITH deals AS (
        SELECT opportunity_id, region, currency_code, amount, stage_category, created_date, close_date, factor AS factor_day
        FROM bookings(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner)
        UNION ALL
        SELECT opportunity_id, region, currency_code, amount, stage_category, created_date, close_date, factor
        FROM open_pipeline_at(p_start, p_end, p_as_of, p_currency, p_region, p_segment, p_owner)
    )

    SELECT
        d.*,
        fxc.factor AS factor_constant
    FROM deals AS d
    LEFT JOIN fx_conversion AS fxc
        ON
            fxc.from_currency = d.currency_code AND fxc.to_currency = p_currency
            AND fxc.rate_date = fx_day(rate_date('constant_currency', d.created_date, d.close_date, p_as_of, p_start));
