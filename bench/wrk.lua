-- wrk script for bench/run.py: one page for a given duration, percentiles as JSON.
-- Settings come from the environment (BENCH_*), set by bench/run.py.
local path = os.getenv("BENCH_PATH")
local method = os.getenv("BENCH_METHOD") or "GET"
local cookie = os.getenv("BENCH_COOKIE") or ""
local origin = os.getenv("BENCH_ORIGIN")
local body_template = os.getenv("BENCH_BODY") or ""
local expected = tonumber(os.getenv("BENCH_EXPECTED_STATUS") or "200")
local out = os.getenv("BENCH_OUT")
local run_id = os.getenv("BENCH_RUN_ID") or "0"

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  seen = 0
  unexpected = 0
  counter = 0
  wrk.headers["X-Forwarded-Proto"] = "https"
  if cookie ~= "" then
    wrk.headers["Cookie"] = cookie
  end
  if method == "POST" then
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["Origin"] = origin
    wrk.headers["Referer"] = origin .. path
  end
end

function request()
  if method == "POST" then
    counter = counter + 1
    -- A unique partner reference per POST, so that each one makes a new case.
    local reference = "BENCH-" .. run_id .. "-" .. thread_id .. "-" .. counter
    local body = string.gsub(body_template, "__REFERENCE__", reference)
    return wrk.format("POST", path, nil, body)
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  seen = seen + 1
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("unexpected") or 0)
  end
  local e = summary.errors
  local f = io.open(out, "w")
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, "unexpected_status": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p95": %d, "p99": %d, ' ..
    '"mean": %.1f, "max": %d}}\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
  f:close()
end
