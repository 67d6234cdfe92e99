-- Delete a state key; with a fence, only while that lock is held.
-- Guarantees, atomically: a bucket whose last key goes leaves the buckets set; a fenced delete
-- happens only if the lock's stored token equals the fence's and its TTL has not passed.
-- A delete of a key that existed is published on the changes channel in the same step.
-- KEYS: 1 bucket hash, 2 buckets set, 3 (fenced only) the fence's lock key
-- ARGV: 1 bucket, 2 key, 3 fence token ('' = not fenced), 4 now ms ('' = Redis TIME), 5 changes channel
-- Returns {1, 1 when the key existed else 0} or {0} when the fence is stale.
if ARGV[3] ~= '' and not fence_holds(KEYS[3], ARGV[3], ARGV[4]) then return {0} end
local existed = redis.call('HDEL', KEYS[1], ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
if existed == 1 then
  redis.call('PUBLISH', ARGV[5], '{"kind":"state","bucket":' .. cjson.encode(ARGV[1]) .. ',"key":' .. cjson.encode(ARGV[2]) .. ',"deleted":true}')
end
return {1, existed}
