-- Hot-account contention: POST /v2/text-to-video then POST /v2/jobs/{id}/cancel of each created job, so that an
-- account never reaches its 1000-active-jobs limit (nothing completes jobs in the benchmark). Every request runs the
-- limiter statement on the account's rate_limits row, every create and cancel updates the account row.
-- wrk -s bench/lua/create_cancel.lua URL -- KEYFILE  (the number of keys in the file = the number of hot accounts)
dofile("bench/lua/common.lua")
local body = '{"prompt":"A lighthouse at dusk","model":"ltx-2-3-pro","duration":8,"resolution":"1920x1080"}'
local pending = {}   -- {key index, job id} created and not yet cancelled, per thread
creates, cancels = 0, 0
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) load_items(args) end
request = function()
  local job = table.remove(pending)
  if job then
    return wrk.format("POST", "/v2/jobs/" .. job[2] .. "/cancel", {["Authorization"] = "Bearer " .. items[job[1]].key,
                                                                   ["x-request-id"] = "x" .. job[1]})
  end
  n = n + 1
  local i = (n % #items) + 1
  return wrk.format("POST", "/v2/text-to-video", {["Authorization"] = "Bearer " .. items[i].key,
                    ["Content-Type"] = "application/json", ["x-request-id"] = "c" .. i}, body)
end
response = function(status, headers, resp)
  local rid = headers["x-request-id"] or headers["X-Request-Id"] or ""
  if status == 202 and rid:sub(1, 1) == "c" then
    creates = creates + 1
    table.insert(pending, {tonumber(rid:sub(2)), resp:match('"id"%s*:%s*"([^"]+)"')})
  elseif status == 200 and rid:sub(1, 1) == "x" then
    cancels = cancels + 1
  end
end
local base_done = done
done = function(summary, latency, requests)
  local c, x = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("creates"); x = x + t:get("cancels") end
  io.write(string.format('CREATES {"creates":%d,"cancels":%d,"creates_per_s":%.1f}\n', c, x, c / (summary.duration / 1e6)))
  base_done(summary, latency, requests)
end
