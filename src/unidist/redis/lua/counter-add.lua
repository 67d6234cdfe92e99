-- Add to a counter and return its previous value.
-- Guarantees, atomically: no increment from any process is lost; arithmetic is IEEE double,
-- as in JavaScript (values are stored with 17 significant digits, which round-trip exactly).
-- The new value is published on the changes channel in the same step (order = apply order).
-- KEYS: 1 counters hash
-- ARGV: 1 counter name, 2 amount, 3 changes channel
-- Returns the previous value as a string, or an error reply when the result is not finite.
local prev = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local v = prev + tonumber(ARGV[2])
if v ~= v or v == math.huge or v == -math.huge then
  return redis.error_reply('PB_NONFINITE counter ' .. ARGV[1] .. ' would not be a finite number')
end
local text = string.format('%.17g', v)
redis.call('HSET', KEYS[1], ARGV[1], text)
redis.call('PUBLISH', ARGV[3], '{"kind":"counter","name":' .. cjson.encode(ARGV[1]) .. ',"value":' .. text .. '}')
return string.format('%.17g', prev)
