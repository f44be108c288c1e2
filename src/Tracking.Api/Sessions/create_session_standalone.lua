--- @include "budget"
--- @include "landing"
--- @include "posthog_visitors"
-- A new session and its visitor's visit (landing.lua) with what a cluster would need other slots for, on a store that
-- is not a cluster (a script may then touch any key): one round trip for a new visitor's page load.
-- - It takes a unit of the client's new-session budget (K.budget, budget.lua) once the session is known to be new and
--   its events accepted: nothing is taken when the session already exists or its events are refused; a spent budget
--   answers OverBudget (retry_ms: the rest of the client's window) and writes nothing.
-- - The page's PostHog id's own index gets the visitor when the landing says it needs it (posthog_visitors.lua).
return index_posthog_visitor(landing(function()
  local spent, rest = budget_change(K.budget, tonumber(A.budget_now), tonumber(A.budget_window), tonumber(A.budget_limit), 1)
  if spent then return {'status', S.OverBudget, 'retry_ms', rest} end
end))
