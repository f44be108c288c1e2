--- @include "new_session"
-- A known visitor's new session; its visit is counted on the visitor's own slot (count_visit.lua).
return create_session()
