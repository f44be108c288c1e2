-- Deciding which of a request's events are fresh, before anything is written (event_writes.lua stores them).
-- Bounds: a session holds at most A.max_events events; a request that would pass it is refused whole.

-- Which of L.events are fresh (id and once-only milestone not seen before, nor earlier in this request), decided by
-- reads only so that a refused request writes nothing. Returns the plan for store_events, or nil and the number of
-- events held when the fresh ones would pass A.max_events. The plan's `held`: the events the session held (0 when
-- none is fresh). `empty`: the session is being created, so its dedup set and events hold nothing (every script that
-- writes them checks first that the session exists): only the request's own repeats are read.
local function plan_events(empty)
  local fresh, count, ids, milestones = {}, 0, {}, {}
  local watch_only = {} -- a repeated milestone (a reload replays them) still reports the seconds played since the last report
  local function seen(member) return not empty and redis.call('SISMEMBER', K.seen, member) == 1 end
  for i, e in ipairs(L.events) do
    local new = e.milestone == '' or (not milestones[e.milestone] and not seen('m:' .. e.milestone))
    if new then
      new = not ids[e.id] and not seen('e:' .. e.id)
      ids[e.id] = true
    elseif e.watch ~= '' and not ids[e.id] and not seen('e:' .. e.id) then
      watch_only[i] = true
    end
    if new then
      fresh[i] = true
      count = count + 1
      if e.milestone ~= '' then milestones[e.milestone] = true end
    end
  end
  local held = 0
  if count > 0 and not empty then held = redis.call('ZCARD', K.events) end
  if held + count > tonumber(A.max_events) then return nil, held end
  return {fresh = fresh, count = count, watch_only = watch_only, held = held}
end
