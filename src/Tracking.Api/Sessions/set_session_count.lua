-- A return visit's count for a session that is still live (never recreates an expired or erased session).
-- Answers updated: 1 when the session was live, else 0.
if redis.call('EXISTS', K.sess) == 0 then return {'updated', 0} end
redis.call('HSET', K.sess, F.SessionCount, A.count)
return {'updated', 1}
