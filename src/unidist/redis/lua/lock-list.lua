-- Every lock held right now, pruning names whose lock is gone from the names set.
-- Guarantees, atomically: a consistent snapshot (no lock is listed after its release or expiry).
-- KEYS: 1 lock-names set
-- ARGV: 1 lock key prefix ('<p>:lock:'), 2 now ms ('' = Redis TIME)
-- Returns {name1, value1, name2, value2, ...} with values as stored by lock-acquire.lua.
local now = now_ms(ARGV[2])
local out = {}
for _, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. name
  local cur = redis.call('GET', key)
  local live = false
  if cur then
    local c = cjson.decode(cur)
    live = c[4] == '' or tonumber(c[4]) > now
    if not live then redis.call('DEL', key) end
  end
  if live then
    out[#out + 1] = name
    out[#out + 1] = cur
  else
    redis.call('SREM', KEYS[1], name)
  end
end
return out
