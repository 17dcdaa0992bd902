-- wrk script: 16-deep HTTP/1.1 pipelining (docs/06-performance.md, "Workloads").
-- Each write sends 16 GET / requests back to back on one connection; wrk counts every
-- response, so requests/s counts requests, not batches. The depth can be changed with
-- `wrk ... -s pipeline.lua -- 32`.
dofile("bench/lua/summary.lua")
local depth = 16

init = function(args)
  if args[1] ~= nil then depth = tonumber(args[1]) end
  local one = wrk.format("GET", "/")
  local batch = {}
  for i = 1, depth do batch[i] = one end
  pipelined = table.concat(batch)
end

request = function()
  return pipelined
end
