--- @include "index_member"
-- Adds A.member to the index set K.set, bounded, and keeps the set at least A.ttl seconds (index_member.lua,
-- index_add: at most A.max members starting with A.prefix, else A.overflow is added instead).
-- Answers added: 1 when the member is in the set, else 0.
return {'added', index_add(K.set, A.member, A.max, A.prefix, A.overflow, A.ttl)}
