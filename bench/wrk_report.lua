-- wrk script for bench/load.sh: counts responses outside 2xx in every thread and prints one
-- JSON line at the end (ENDPOINT names the path being measured). With PATHS_FILE set, each
-- request takes the next path of that file (one per line; every thread starts at its own
-- offset), so a run can ask a different search on every request.
local threads = {}
local paths = nil
local counter = 0

function setup(thread)
  thread:set("offset", #threads * 100003)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  local file = os.getenv("PATHS_FILE")
  if file and file ~= "" then
    paths = {}
    for line in io.lines(file) do
      table.insert(paths, line)
    end
    counter = offset or 0
  end
end

function request()
  if paths then
    counter = counter + 1
    return wrk.format("GET", paths[(counter % #paths) + 1])
  end
  return wrk.request()
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '{"endpoint": "%s", "requests_per_s": %.1f, "p50_ms": %.2f, "p99_ms": %.2f, "errors": %d, '
      .. '"requests": %d, "non_2xx": %d, "socket_errors": %d}\n',
    os.getenv("ENDPOINT") or "?", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    bad + e.connect + e.read + e.write + e.timeout, summary.requests, bad,
    e.connect + e.read + e.write + e.timeout))
end
