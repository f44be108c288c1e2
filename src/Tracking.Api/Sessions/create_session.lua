--- @include "landing"
-- A new session and its visitor's visit (landing.lua), on a cluster: the client's new-session budget, on its own
-- slot, was taken by a call of its own (Edge/client_budget.lua).
return landing()
