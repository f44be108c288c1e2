--- @include "visitor_touch"
-- A return visit that counts the visitor's new visit in the same script (visitor_touch.lua), on a store that is not a
-- cluster (a script may then touch any key): the page's PostHog id's own index (K.posthog_visitors) gets the visitor
-- here when the touch says it needs it, as Storage/IndexSet.AddPostHogVisitorAsync would (index_add.lua), and
-- the answer's posthog is then 0. One round trip for a new visit of a page that names its PostHog id.
local answer = touch_with_visitor()
for i = 1, #answer - 1, 2 do
  if answer[i] == 'posthog' and answer[i + 1] == 1 then
    index_add(K.posthog_visitors, A.visitor, A.max_posthog_visitors, '', A.crowded, A.visitor_ttl)
    answer[i + 1] = 0
  end
end
return answer
