--- @include "index_member"
-- The page's PostHog id's own index (K.posthog_visitors, posthog:{hash}) written by a page load's script itself, on a
-- store that is not a cluster (create_session_standalone.lua, touch_session_visitor_standalone.lua): on a cluster it is
-- on another slot and the caller writes it (Storage/IndexSet.AddPostHogVisitorAsync).

-- When `answer` (a page load's status answer, name/value pairs) says posthog 1 (the id's index is to get the visitor),
-- the index gets A.visitor as index_add.lua would, and the answer says 0: nothing is left for the caller.
local function index_posthog_visitor(answer)
  for i = 1, #answer - 1, 2 do
    if answer[i] == 'posthog' and answer[i + 1] == 1 then
      index_add(K.posthog_visitors, A.visitor, A.max_posthog_visitors, '', A.crowded, A.visitor_ttl)
      answer[i + 1] = 0
    end
  end
  return answer
end
