--- @include "hashes"
-- What store_events (event_writes.lua) does when one of its steps failed: Redis keeps what a script wrote before an
-- error, so the run's writes are made whole as a retry of the same request needs them.

-- After a failed write of `plan`: the session's deferred fields are written unless they were (no half-written touch),
-- every key of the session gets its TTL (none is left without one; `...` as store_events takes it), and the fresh
-- events' dedup marks go, as some of them may be neither stored nor queued: a retry finds them fresh and writes
-- them again. Their outbox ids, and so what the destinations get, are the same; the once-per-session facts and
-- completion keep their own marks, so they are not counted twice. What a retry can add again: an event stored
-- before the failure, under the retry's other timestamp, and watch time up to the time between the two tries when
-- the retry's event time is later (stamped by the server, or a client clock ahead).
local function events_failed(plan, ...)
  if not plan.saved and plan.pending and #plan.pending > 0 then redis.call('HSET', K.sess, unpack(plan.pending)) end
  refresh(tonumber(A.ttl), K.sess, K.events, K.seen, ...)
  local marks = {}
  for i, e in ipairs(L.events) do
    if plan.fresh[i] then
      marks[#marks + 1] = 'e:' .. e.id
      if e.milestone ~= '' then marks[#marks + 1] = 'm:' .. e.milestone end
    end
  end
  if #marks > 0 then redis.call('SREM', K.seen, unpack(marks)) end
end
