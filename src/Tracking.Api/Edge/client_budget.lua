-- One client's budget in its window (Edge/ClientBudgets.cs). A.change: 1 takes a unit if one is left (else answers
-- Spent and writes nothing), -1 gives one back, 0 only looks. The window opens at the client's first unit (A.now, ms
-- on the service's clock) and lasts A.window ms; the key expires when it ends, so a client that stops leaves nothing
-- behind. A start ahead of A.now (a replica whose clock is behind) counts as the same window, so skew cannot reopen it.
local now, window, change = tonumber(A.now), tonumber(A.window), tonumber(A.change)
local start = tonumber(redis.call('HGET', K.budget, 'start'))
local used = 0
if start and now < start + window then
  used = tonumber(redis.call('HGET', K.budget, 'used')) or 0
else
  start = now
end
local rest = math.min(window, start + window - now)
local spent = used >= tonumber(A.limit)
if change == 0 or (change == 1 and spent) or (change == -1 and used == 0) then
  return {'status', spent and S.Spent or S.Within, 'retry_ms', rest}
end
used = used + change
if used == 0 then
  -- All given back: nothing used, nothing kept (a refused checkout leaves Redis as it found it).
  redis.call('DEL', K.budget)
  return {'status', S.Within, 'retry_ms', rest}
end
redis.call('HSET', K.budget, 'start', string.format('%d', start), 'used', used)
redis.call('PEXPIRE', K.budget, rest)
return {'status', S.Within, 'retry_ms', rest}
