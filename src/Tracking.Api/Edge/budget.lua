-- One client's budget in its window (Edge/ClientBudgets.cs), shared by client_budget.lua and the scripts that take a
-- unit themselves (Sessions/create_session_standalone.lua).

-- Changes the budget `key` by `change`: 1 takes a unit if one is left (else nothing is written), -1 gives one back,
-- 0 only looks. The window opens at the client's first unit (`now`, ms on the service's clock) and lasts `window` ms;
-- the key expires when it ends, so a client that stops leaves nothing behind. A start ahead of `now` (a replica whose
-- clock is behind) counts as the same window, so skew cannot reopen it. Answers whether the budget was spent before
-- this change, and the ms left in the window.
local function budget_change(key, now, window, limit, change)
  local start = tonumber(redis.call('HGET', key, 'start'))
  local used = 0
  if start and now < start + window then
    used = tonumber(redis.call('HGET', key, 'used')) or 0
  else
    start = now
  end
  local rest = math.min(window, start + window - now)
  local spent = used >= limit
  if change == 0 or (change == 1 and spent) or (change == -1 and used == 0) then return spent, rest end
  used = used + change
  if used == 0 then
    -- All given back: nothing used, nothing kept (a refused checkout leaves Redis as it found it).
    redis.call('DEL', key)
    return false, rest
  end
  redis.call('HSET', key, 'start', string.format('%d', start), 'used', used)
  redis.call('PEXPIRE', key, rest)
  return false, rest
end
