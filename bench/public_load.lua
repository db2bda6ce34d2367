-- wrk script of bench/public_load.py: GET the paths given after `--` in turn (one path: always that one),
-- as a client behind the TLS proxy would; at the end one JSON line with the counts and percentiles.
local paths = {}
local n = 0

function init(args)
  for i = 1, #args do paths[i] = args[i] end
  if #paths == 0 then paths[1] = "/" end
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], {["X-Forwarded-Proto"] = "https", ["Accept"] = "*/*"})
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
