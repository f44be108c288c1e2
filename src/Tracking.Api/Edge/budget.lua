-- One client's budget in its window (Edge/ClientBudgets.cs), shared by client_budget.lua and the scripts that take a
-- unit themselves (Sessions/create_session_standalone.lua).

-- Changes the budget `key` by `change`: 1 takes a unit if one is left (else nothing is written), -1 gives one back,
-- 0 only looks. The window opens at the client's first unit (`now`, ms on the service's clock) and lasts `window` ms;
-- the key expires when it ends, so a client that stops leaves nothing behind. A start ahead of `now` (a replica whose
-- clock is behind) counts as the same window, so skew cannot reopen it. Answers whether the budget was spent before
-- this change, and the ms left in the window.
local function budget_change(key, now, window, limit, change)
  local kept = redis.call('HMGET', key, 'start', 'used')
  local start, used, open = tonumber(kept[1]), 0, false
  if start and now < start + window then
    used = tonumber(kept[2]) or 0
  else
    start, open = now, true
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
  -- The key expires when its window ends: set when the window opens (the hash is written with its TTL then, and only
  -- DEL or expiry ends it), not again by each unit of the same window.
  if open then redis.call('PEXPIRE', key, rest) end
  return false, rest
end
