-- Functions shared by the scripts of this folder: lua-script.ts puts this file in front of each
-- script it loads (a Redis script cannot import another).

-- Milliseconds now: `arg` when given (a caller's injected clock), else Redis's own TIME.
local function now_ms(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- A fenced write may happen: the lock at `lock_key` is held with `token` and its TTL has not
-- passed (`now_arg` as for now_ms). A holder that stalled past its TTL writes nothing.
local function fence_holds(lock_key, token, now_arg)
  local cur = redis.call('GET', lock_key)
  if not cur then return false end
  local c = cjson.decode(cur)
  return c[2] == token and (c[4] == '' or tonumber(c[4]) > now_ms(now_arg))
end

