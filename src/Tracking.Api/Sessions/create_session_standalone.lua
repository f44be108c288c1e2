--- @include "budget"
--- @include "landing"
-- A new session and its visitor's visit (landing.lua) with what a cluster would need other slots for, on a store that
-- is not a cluster (a script may then touch any key): one round trip for a new visitor's page load.
-- - It takes a unit of the client's new-session budget (K.budget, budget.lua) once the session is known to be new and
--   its events accepted: nothing is taken when the session already exists or its events are refused; a spent budget
--   answers OverBudget (retry_ms: the rest of the client's window) and writes nothing.
-- - The page's PostHog id's own index (K.posthog_visitors) gets the visitor when the landing says it needs it, as
--   Storage/IndexSet.AddPostHogVisitorAsync would (index_add.lua); the answer's posthog is then 0.
local created = landing(function()
  local spent, rest = budget_change(K.budget, tonumber(A.budget_now), tonumber(A.budget_window), tonumber(A.budget_limit), 1)
  if spent then return {'status', S.OverBudget, 'retry_ms', rest} end
end)
-- A Created answer ends with posthog, 1 or 0 (landing.lua).
if created[2] == S.Created and created[#created] == 1 then
  index_add(K.posthog_visitors, A.visitor, A.max_posthog_visitors, '', A.crowded, A.visitor_ttl)
  created[#created] = 0
end
return created
