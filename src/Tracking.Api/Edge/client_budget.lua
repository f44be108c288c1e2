--- @include "budget"
-- One client's budget (budget.lua). A.change: 1 takes a unit if one is left (else answers Spent and writes nothing),
-- -1 gives one back, 0 only looks.
local spent, rest = budget_change(K.budget, tonumber(A.now), tonumber(A.window), tonumber(A.limit), tonumber(A.change))
return {'status', spent and S.Spent or S.Within, 'retry_ms', rest}
