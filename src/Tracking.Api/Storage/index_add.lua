--- @include "index_member"
-- Adds A.member to the index set K.set, bounded (index_member.lua: at most A.max members starting with A.prefix,
-- else A.overflow is added instead).
-- The set lives at least A.ttl seconds from now (index_keep).
-- Answers added: 1 when the member is in the set, else 0.
local added = index_member(K.set, A.member, A.max, A.prefix, A.overflow)
index_keep(K.set, A.ttl)
return {'added', added}
