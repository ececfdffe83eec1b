-- POST /v2/estimate (a create body plus "type"), rotating the benchmark keys. wrk ... -- KEYFILE
dofile("bench/lua/common.lua")
local body = '{"type":"text-to-video","prompt":"A lighthouse at dusk","model":"ltx-2-3-pro","duration":8,' ..
             '"resolution":"1920x1080"}'
init = function(args) load_items(args) end
request = function()
  return wrk.format("POST", "/v2/estimate", {["Authorization"] = "Bearer " .. next_item().key,
                                             ["Content-Type"] = "application/json"}, body)
end
