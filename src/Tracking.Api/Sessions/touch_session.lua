-- A return visit to a live session: a new fbclid restarts its clock, campaign parameters move the last touch
-- (clearing last-touch fields the new touch lacks), and every key of the session lives on.
-- Returns the session's visitor id, or nil when the session does not exist.
if redis.call('EXISTS', K.sess) == 0 then return false end
if A.fbclid ~= '' and redis.call('HGET', K.sess, F.Fbclid) ~= A.fbclid then
  redis.call('HSET', K.sess, F.Fbclid, A.fbclid, F.FbclidFirstSeen, A.now)
end
if #L.cleared > 0 then
  local names = {}
  for i, c in ipairs(L.cleared) do names[i] = c.name end
  redis.call('HDEL', K.sess, unpack(names))
end
hset_pairs(K.sess, L.fields)
if A.touch ~= '' then
  redis.call('RPUSH', K.touches, A.touch)
  agg(K.agg, K.agg_keys, K.sess, M.Touches, tonumber(A.retain))
end
if A.ip ~= '' then redis.call('HSET', K.client, CF.Ip, A.ip) end
if A.ua ~= '' then redis.call('HSET', K.client, CF.UserAgent, A.ua) end
refresh(tonumber(A.ttl), K.sess, K.events, K.seen, K.touches, K.client)
return redis.call('HGET', K.sess, F.VisitorId) or ''
