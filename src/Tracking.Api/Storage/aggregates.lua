--- @include "aggregate_tiers"
-- Fundraising-campaign cohorts of a partition-day (`agg_sel`, fields `metric|campaign id`; Storage/Aggregates.cs):
-- a session joins the cohort of each campaign it selects once (agg_select), bringing the once-per-session facts it
-- already has (its seen set's f: flags); a fact counted later counts for the campaign selected at that moment. At
-- most C.MaxSelectedCampaigns campaigns per partition-day (`#|id` marks one, `#n` counts them); later ones are '(other)'.
local SEL_FLAGS = {
  {M.ContentViews, 'f:content'}, {M.Video25, 'f:' .. M.Video25}, {M.Video50, 'f:' .. M.Video50},
  {M.Video75, 'f:' .. M.Video75}, {M.Video95, 'f:' .. M.Video95}, {M.Checkouts, 'f:checkout'},
}
local SEL_METRIC = {}
for _, f in ipairs(SEL_FLAGS) do SEL_METRIC[f[1]] = true end

local function sel_key(t, campaign)
  if redis.call('HEXISTS', t.sel, '#|' .. campaign) == 1 then return campaign end
  if tonumber(redis.call('HGET', t.sel, '#n') or '0') >= C.MaxSelectedCampaigns then return '(other)' end
  agg_write(t, 'HINCRBY', t.sel, '#n', 1)
  agg_write(t, 'HSET', t.sel, '#|' .. campaign, 1)
  return campaign
end

-- The session (whose dedup set is `seen`) selected `campaign`: it joins that campaign's cohort, once.
local function agg_select(t, sess, seen, campaign)
  if redis.call('SADD', seen, 's:' .. campaign) == 0 then return end
  local key = sel_key(t, campaign)
  agg_write(t, 'HINCRBY', t.sel, M.Sessions .. '|' .. key, 1)
  for _, f in ipairs(SEL_FLAGS) do
    if redis.call('SISMEMBER', seen, f[2]) == 1 then agg_write(t, 'HINCRBY', t.sel, f[1] .. '|' .. key, 1) end
  end
  agg_retain(t)
end

-- Adds one to `metric|attribution key` of the session's current last touch in the partition-day counters `t`, and
-- to the cohort of the campaign it has selected.
local function agg(t, sess, metric)
  local campaign = agg_count(t, sess, metric)
  if SEL_METRIC[metric] then
    if campaign then agg_write(t, 'HINCRBY', t.sel, metric .. '|' .. sel_key(t, campaign), 1) end
  end
  agg_retain(t)
end
