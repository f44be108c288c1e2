-- Watch time, added by store_events (event_writes.lua): the seconds a report brings count only up to the wall-clock
-- time between the session's previous report (or its creation) and this one, both taken at their event time clamped
-- to the server's clock, so a script cannot inflate it and a report delayed on the network does not eat the next
-- one's time.

-- Adds the watch time of L.events that are `fresh` or `watch_only` (a repeated milestone still reports the seconds
-- played since the last report). `settle()` writes the session's waiting fields before its first read;
-- `content_field(field, counter)` says whether a per-content field may be written (store_events' bound).
local function add_watch_time(fresh, watch_only, settle, content_field)
  local budget, last
  local function seconds(x) return string.format('%.1f', math.floor(x * 10 + 0.5) / 10) end
  for i, e in ipairs(L.events) do
    if (fresh[i] or watch_only[i]) and e.watch ~= '' then
      if not budget then
        settle()
        last = tonumber(redis.call('HGET', K.sess, F.WatchReportedAt)) or tonumber(redis.call('HGET', K.sess, F.CreatedAt)) or tonumber(A.now)
        budget = 0
      end
      -- The report's own instant (its event time), never before the previous report nor after the server's now: a
      -- report that travelled slowly does not lose the time played before it, and no timestamp can create time.
      local at = math.min(math.max(math.floor(tonumber(e.score)), last), tonumber(A.now))
      budget = budget + (at - last) / 1000
      last = at
      redis.call('HSET', K.sess, F.WatchReportedAt, at)
      local add = math.min(tonumber(e.watch), budget)
      if add > 0 then
        budget = budget - add
        redis.call('HSET', K.sess, F.TotalWatchTime, seconds((tonumber(redis.call('HGET', K.sess, F.TotalWatchTime)) or 0) + add))
        if content_field(e.watch_field, F.WatchTimeCount) then
          redis.call('HSET', K.sess, e.watch_field, seconds((tonumber(redis.call('HGET', K.sess, e.watch_field)) or 0) + add))
        end
      end
    end
  end
end
