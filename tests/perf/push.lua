-- wrk script of tests/perf/bench_central.py: one single-event push per request, each wrk
-- thread (one connection) walking its own tickets in order: ticket_reported, then seven
-- events as in ticket_events(). Unique ids: run number, thread number, request number.
-- With BENCH_PATH set to another path, plain GETs of it (the /health ceiling).
local counter = 0
local threads = {}
local run = os.getenv("BENCH_RUN") or "0"
local token = os.getenv("BENCH_TOKEN")
local path = os.getenv("BENCH_PATH") or "/api/v1/events"
local kinds = {"ticket_reported","first_response","status_update","comment","status_update","workaround","productive_again","resolved"}
local base = 1799049600 -- 2027-01-04T08:00:00Z

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  rejected = 0
  accepted = 0
  if path ~= "/api/v1/events" then return end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

local function iso(secs)
  return os.date("!%Y-%m-%dT%H:%M:%S+00:00", base + secs)
end

local last = nil

function request()
  if path ~= "/api/v1/events" then return wrk.format("GET", path) end
  -- wrk may ask for a request it never sends (seen at start-up): until an answer came
  -- back, hand out the same push again, so no ticket misses its ticket_reported.
  if last ~= nil then return last end
  local n = counter
  counter = counter + 1
  local ticket = math.floor(n / 8)
  local k = n % 8
  local stream = string.format("ticket:W%s-%d-%d", run, tid, ticket)
  local reported = ticket * 7 * 60
  local data = "{}"
  if k == 0 then
    data = '{"org":"halt","caller":"e1","summary":"Laptop","priority":"P3","channel":"phone"}'
  elseif k == 1 then
    data = '{"channel":"phone"}'
  elseif k == 3 then
    data = '{"text":"bezig"}'
  end
  local at = reported
  if k > 0 then at = reported + 10 * 60 * k end
  local id = string.format("%08x-%04x-4000-8000-%012x", tonumber(run) % 4294967296, tid, n)
  local body = string.format('{"events":[{"id":"%s","stream":"%s","type":"%s","at":"%s","actor":"bench","data":%s}]}',
    id, stream, kinds[k + 1], iso(at), data)
  last = wrk.format(nil, "/api/v1/events", nil, body)
  return last
end

function response(status, headers, body)
  last = nil
  if status == 200 and (path ~= "/api/v1/events" or string.find(body, '"accepted"', 1, true)) then
    accepted = accepted + 1
  else
    rejected = rejected + 1
    if rejected < 3 then io.stderr:write(status .. " " .. body .. "\n") end
  end
end

function done(summary, latency, requests)
  local acc, rej = 0, 0
  for _, t in ipairs(threads) do
    acc = acc + t:get("accepted")
    rej = rej + t:get("rejected")
  end
  io.write(string.format('JSON {"requests":%d,"duration_us":%d,"accepted":%d,"rejected":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"errors":%d}\n',
    summary.requests, summary.duration, acc, rej, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
