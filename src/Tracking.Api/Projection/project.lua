--- @include "aggregate_cohorts"
-- Projects the head of a partition's log (K.agg_log) into the counters of the day K.agg names: reads up to A.batch
-- facts, counts those of that day in log order, and trims exactly them, in this one atomic script, so a fact is
-- counted once whoever runs it and whenever the caller dies. Stops at the first fact of another day, which the caller
-- projects next with that day's keys. Facts still in the log's earlier layout (a stream, K.agg_stream) come first;
-- the stream is deleted once empty. Answers Projection.ProjectionStatus: Done (the log holds nothing more of this
-- batch), More (a full batch was counted, or the earlier layout was read), OtherDay (`day`: the next fact's);
-- `applied`, `first` (ms of the oldest fact found), `pending` (facts left).
local day = agg_day()
local facts, stream = {}, false
if redis.call('EXISTS', K.agg_stream) == 1 then
  local entries = redis.call('XRANGE', K.agg_stream, '-', '+', 'COUNT', A.batch)
  if #entries == 0 then
    redis.call('DEL', K.agg_stream)
  else
    stream = true
    for i, e in ipairs(entries) do
      local fact, v = {id = e[1], t = tonumber(string.match(e[1], '^(%d+)'))}, e[2]
      for j = 1, #v, 2 do fact[v[j]] = v[j + 1] end
      facts[i] = fact
    end
  end
end
if not stream then
  for i, raw in ipairs(redis.call('LRANGE', K.agg_log, 0, tonumber(A.batch) - 1)) do facts[i] = cjson.decode(raw) end
end
local t = agg_counters()
local applied, other = 0, nil
for _, fact in ipairs(facts) do
  if fact.d ~= day then
    other = fact.d or ''
    break
  end
  agg_apply(t, fact)
  applied = applied + 1
end
if applied > 0 and stream then
  local ms, seq = string.match(facts[applied].id, '^(%d+)-(%d+)$')
  redis.call('XTRIM', K.agg_stream, 'MINID', ms .. '-' .. string.format('%d', tonumber(seq) + 1))
elseif applied > 0 then
  redis.call('LTRIM', K.agg_log, applied, -1)
end
agg_retain(t)
-- The log lives A.retain after it was made (aggregates.lua) or last projected: a log that is never empty stays.
if applied > 0 and not stream then redis.call('EXPIRE', K.agg_log, A.retain) end
local first = facts[1] and string.format('%d', tonumber(facts[1].t) or 0) or '0'
local status = S.Done
if other then status = S.OtherDay elseif stream or applied == tonumber(A.batch) then status = S.More end
local pending = redis.call('LLEN', K.agg_log) + (stream and redis.call('XLEN', K.agg_stream) or 0)
return {'status', status, 'applied', applied, 'day', other or '', 'first', first, 'pending', pending}
