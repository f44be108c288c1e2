--- @include "budget"
--- @include "landing"
-- A new session and its visitor's visit (landing.lua) that takes a unit of the client's new-session budget (K.budget,
-- budget.lua) in the same script: one round trip for a new visitor's page load instead of two, on a store that is not
-- a cluster (a script may then touch any key). Nothing is taken when the session already exists or its events are
-- refused; a spent budget answers OverBudget (retry_ms: the rest of the client's window) and writes nothing.
return landing(function()
  local spent, rest = budget_change(K.budget, tonumber(A.budget_now), tonumber(A.budget_window), tonumber(A.budget_limit), 1)
  if spent then return {'status', S.OverBudget, 'retry_ms', rest} end
end)
