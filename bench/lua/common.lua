-- Shared by the wrk scripts of bench/run.sh: loads "key" or "key job_id" lines from the file given as the first
-- script argument (wrk ... -- FILE) and prints one RESULT line of JSON with throughput and percentiles at the end.
items = {}
n = 0
function load_items(args)
  local f = assert(io.open(args[1], "r"))
  for line in f:lines() do
    local key, job = line:match("^(%S+)%s*(%S*)$")
    if key then items[#items + 1] = {key = key, job = job} end
  end
  f:close()
end
function next_item()
  n = n + 1
  return items[(n % #items) + 1]
end
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f,' ..
    '"non2xx":%d,"socket_errors":%d}\n',
    summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
