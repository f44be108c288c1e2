--- @include "aggregate_cohorts"
-- Projects the head of a partition's log (K.agg_log) into the counters of the day K.agg names: reads up to A.batch
-- facts, counts those of that day in log order, and trims exactly them, in this one atomic script, so a fact is
-- counted once whoever runs it and whenever the caller dies. Stops at the first fact of another day, which the caller
-- projects next with that day's keys. Answers Projection.ProjectionStatus: Done (the log holds nothing more of this
-- batch), More (a full batch was counted), OtherDay (`day`: the next fact's); `applied`, `first` (ms of the oldest
-- fact found), `pending` (facts left).
local day = agg_day()
local entries = redis.call('XRANGE', K.agg_log, '-', '+', 'COUNT', A.batch)
local t = agg_counters()
local applied, last, other = 0, nil, nil
for _, e in ipairs(entries) do
  local fact, v = {}, e[2]
  for i = 1, #v, 2 do fact[v[i]] = v[i + 1] end
  if fact.d ~= day then
    other = fact.d or ''
    break
  end
  agg_apply(t, fact)
  applied = applied + 1
  last = e[1]
end
if last then
  local ms, seq = string.match(last, '^(%d+)-(%d+)$')
  redis.call('XTRIM', K.agg_log, 'MINID', ms .. '-' .. string.format('%d', tonumber(seq) + 1))
end
agg_retain(t)
local first = #entries > 0 and string.match(entries[1][1], '^(%d+)') or '0'
local status = S.Done
if other then status = S.OtherDay elseif applied == tonumber(A.batch) then status = S.More end
return {'status', status, 'applied', applied, 'day', other or '', 'first', first, 'pending', redis.call('XLEN', K.agg_log)}
