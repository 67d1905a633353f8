-- wrk script for bench/load.sh: counts responses outside 2xx in every thread and prints one
-- JSON line at the end (ENDPOINT names the path being measured).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
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
