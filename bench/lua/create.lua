-- POST /v2/text-to-video, rotating the benchmark keys. wrk -s bench/lua/create.lua URL -- KEYFILE
dofile("bench/lua/common.lua")
local body = '{"prompt":"A lighthouse at dusk","model":"ltx-2-3-pro","duration":8,"resolution":"1920x1080"}'
init = function(args) load_items(args) end
request = function()
  return wrk.format("POST", "/v2/text-to-video", {["Authorization"] = "Bearer " .. next_item().key,
                                                   ["Content-Type"] = "application/json"}, body)
end
