--- @include "aggregates"
--- @include "aggregate_tiers"
-- Applying one fact of the projection log (aggregates.lua writes them) to the partition-day counters `t`, and the
-- fundraising-campaign cohorts (`agg_sel`, fields `metric|campaign id`; Storage/Aggregates.cs): a session joins the
-- cohort of each campaign it selects once (a join fact), bringing the once-per-session facts it already had; a fact
-- counted later counts for the campaign selected at that moment. At most C.MaxSelectedCampaigns campaigns per
-- partition-day (`#|id` marks one, `#n` counts them); later ones are '(other)'.
local SEL_METRIC = {}
for _, f in ipairs(AGG_FLAGS) do SEL_METRIC[f[1]] = true end

local function sel_key(t, campaign)
  if redis.call('HEXISTS', t.sel, '#|' .. campaign) == 1 then return campaign end
  if tonumber(redis.call('HGET', t.sel, '#n') or '0') >= C.MaxSelectedCampaigns then return '(other)' end
  agg_write(t, 'HINCRBY', t.sel, '#n', 1)
  agg_write(t, 'HSET', t.sel, '#|' .. campaign, 1)
  return campaign
end

-- A join fact: the session joins campaign `c`'s cohort with the flags `f` it had.
local function agg_join(t, fact)
  local key = sel_key(t, fact.c)
  agg_write(t, 'HINCRBY', t.sel, M.Sessions .. '|' .. key, 1)
  for i, f in ipairs(AGG_FLAGS) do
    if string.sub(fact.f, i, i) == '1' then agg_write(t, 'HINCRBY', t.sel, f[1] .. '|' .. key, 1) end
  end
end

-- Counts one fact (a table of its fields).
local function agg_apply(t, fact)
  if fact.m == AGG_JOIN then return agg_join(t, fact) end
  agg_count(t, fact, fact.m)
  if SEL_METRIC[fact.m] and fact.sel and fact.sel ~= '' then
    agg_write(t, 'HINCRBY', t.sel, fact.m .. '|' .. sel_key(t, fact.sel), 1)
  end
end
