-- GET /v2/balance, rotating the benchmark keys: the cheapest authenticated endpoint (its only work is the
-- authenticating rate-limiter statement, which returns the balance). wrk ... -- KEYFILE
dofile("bench/lua/common.lua")
init = function(args) load_items(args) end
request = function()
  return wrk.format("GET", "/v2/balance", {["Authorization"] = "Bearer " .. next_item().key})
end
