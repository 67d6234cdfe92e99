-- Acquire a lock, or report how long its holder may still hold it.
-- Guarantees, atomically: at most one holder per name (a free or expired lock is taken with
-- SET NX); every grant gets a fencing token from the per-name counter in the fences hash, so
-- tokens of one name strictly increase across all processes for as long as Redis keeps its data;
-- a try that finds the lock held marks it as waited for (element 6), so its release is published
-- (and only then: an uncontended lock costs no pub/sub traffic).
-- KEYS: 1 lock key, 2 fences hash, 3 lock-names set
-- ARGV: 1 name, 2 handle id, 3 ttl ms ('' = none), 4 now ms ('' = Redis TIME), 5 owner,
--       6 '1' = let Redis expire the key (PX) / '' = expiry checked against ARGV[4] only
-- Returns {1, token} when granted; {0, ms the holder may keep it (-1 = no TTL)} when held.
local now = now_ms(ARGV[4])
local cur = redis.call('GET', KEYS[1])
if cur then
  local c = cjson.decode(cur)
  local left = -1
  if c[4] ~= '' then left = tonumber(c[4]) - now end
  if c[4] == '' or left > 0 then
    if c[6] ~= 1 then
      c[6] = 1
      redis.call('SET', KEYS[1], cjson.encode(c), 'KEEPTTL')
    end
    return {0, left}
  end
  redis.call('DEL', KEYS[1]) -- its TTL passed (by the caller's clock)
end
local token = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
local expires = ''
if ARGV[3] ~= '' then expires = string.format('%.0f', now + tonumber(ARGV[3])) end
local value = cjson.encode({ARGV[2], string.format('%.0f', token), string.format('%.0f', now), expires, ARGV[5]})
local ok
if ARGV[3] ~= '' and ARGV[6] == '1' then
  ok = redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[3])
else
  ok = redis.call('SET', KEYS[1], value, 'NX')
end
if not ok then return redis.error_reply('PB lock-acquire: SET NX failed on a free lock') end
redis.call('SADD', KEYS[3], ARGV[1])
return {1, token}
