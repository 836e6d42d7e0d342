-- wrk script for bench/run.py: authenticated requests, status check, JSON summary.
--
-- Environment: WRK_PATHS (space-separated paths, used in turn), WRK_COOKIE (Cookie header),
-- WRK_METHOD (GET or POST), WRK_BODY (form body for POST), WRK_CSRF (X-CSRFToken header),
-- WRK_EXPECT (the status every response must have, e.g. 200 or 302), WRK_OUT (JSON file),
-- WRK_AUTHORIZATION (an API page: the Authorization header instead of the cookie) and
-- WRK_CONTENT_TYPE (the POST body's type; default a form).
-- A response with another status (say a redirect to the log-in page) is counted as unexpected,
-- so a run that measured the wrong page cannot pass for a fast one.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local method = os.getenv("WRK_METHOD") or "GET"
  local body = os.getenv("WRK_BODY")
  local headers = { ["Cookie"] = os.getenv("WRK_COOKIE") or "" }
  local authorization = os.getenv("WRK_AUTHORIZATION") or ""
  if authorization ~= "" then
    headers = { ["Authorization"] = authorization }
  end
  if method == "POST" then
    headers["Content-Type"] = os.getenv("WRK_CONTENT_TYPE") or "application/x-www-form-urlencoded"
    headers["X-CSRFToken"] = os.getenv("WRK_CSRF") or ""
    headers["Referer"] = "http://127.0.0.1/"
  else
    body = nil
  end
  prepared = {}
  for path in string.gmatch(os.getenv("WRK_PATHS") or "/", "%S+") do
    table.insert(prepared, wrk.format(method, path, headers, body))
  end
  expected = tonumber(os.getenv("WRK_EXPECT") or "200")
  counter = 0
  unexpected = 0
end

function request()
  counter = counter + 1
  return prepared[(counter % #prepared) + 1]
end

function response(status, headers, body)
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
  local out = io.open(os.getenv("WRK_OUT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "unexpected_status": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "mean": %.1f, "max": %d, "stdev": %.1f}}',
    summary.requests, summary.duration, summary.bytes, bad,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max, latency.stdev))
  out:close()
end
