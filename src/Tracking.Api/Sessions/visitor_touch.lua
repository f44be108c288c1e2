--- @include "session_touch"
--- @include "visitor_keep"
--- @include "index_member"
-- A return visit in one script when the page names its visitor (A.visitor) and the visitor's keys are on the
-- session's slot (a new visitor's id is made on its first session's slot, a known visitor's sessions on the visitor's
-- slot): a new visit is counted for the visitor and the count kept on the session (written with the touch's fields),
-- as count_visit.lua and set_session_count.lua do, and the page's PostHog id (A.posthog, the index member, '' for
-- none) goes into the visitor's index. A visitor id that is not the session's writes nothing of the visitor's (own 0: the caller counts
-- and indexes for the session's own visitor).
-- Answers Sessions.PageLoadStatus: Touched (visitor, new_visit, own: 1 when the visitor's keys were written here,
-- posthog: 1 when the id's own index, on another slot, is to get the visitor — the id is new in the visitor's index,
-- or a new visit renews it — posthog_before: the distinct id the session held, accepted, duplicates, expires_at: when
-- the session expires); Unknown; SessionFull (held).
local function touch_with_visitor()
  local own = 0
  local status, visitor, new_visit, before, accepted, duplicates, expires = touch_session(function(visitor, new_visit)
    if visitor ~= A.visitor then return nil end
    own = 1
    if new_visit == 1 then
      local count = redis.call('INCR', K.count)
      visitor_keep()
      return {F.SessionCount, count}
    end
  end)
  if status == S.Unknown then return {'status', status} end
  if status == S.SessionFull then return {'status', status, 'held', visitor} end
  local posthog = 0
  if own == 1 and A.posthog ~= '' then
    local kept, added = index_member(K.index, A.posthog, A.max_posthog, A.posthog_prefix, '')
    if added == 1 or (kept == 1 and new_visit == 1) then posthog = 1 end
  end
  return {'status', status, 'visitor', visitor, 'new_visit', new_visit, 'own', own, 'posthog', posthog,
    'posthog_before', before, 'accepted', accepted, 'duplicates', duplicates, 'expires_at', expires}
end
