-- A return visit's count for a session that is still live (never recreates an expired or erased session).
if redis.call('EXISTS', K.sess) == 1 then redis.call('HSET', K.sess, F.SessionCount, A.count) end
return 0
