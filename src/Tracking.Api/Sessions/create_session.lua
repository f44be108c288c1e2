-- A known visitor's new session (session_create.lua); its visit is counted on the visitor's own slot (count_visit.lua).
return create_session()
