-- GET /v2/jobs/{id} of the pre-created jobs, each with its own account's key. wrk ... -- JOBFILE ("key job" lines)
dofile("bench/lua/common.lua")
init = function(args) load_items(args) end
request = function()
  local it = next_item()
  return wrk.format("GET", "/v2/jobs/" .. it.job, {["Authorization"] = "Bearer " .. it.key})
end
