--- @include "index_member"
-- Adds A.member to the index set K.set, bounded (index_member.lua: at most A.max members starting with A.prefix,
-- else A.overflow is added instead).
-- The set lives at least A.ttl seconds from now; a longer life it already has is kept (an index shared with records
-- that live longer, such as conversions).
-- Answers added: 1 when the member is in the set, else 0.
local added = index_member(K.set, A.member, A.max, A.prefix, A.overflow)
if redis.call('TTL', K.set) < tonumber(A.ttl) then redis.call('EXPIRE', K.set, A.ttl) end
return {'added', added}
