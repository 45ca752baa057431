-- wrk script of benchmarks/load.py: one kind of request per wrk process, one connection
-- per wrk thread (so each response is paired with the request that asked for it).
--
-- LOAD_CONFIG names a file of "key value" lines written by load.py:
--   kind list|search|detail|write   mode closed|rate   interval_us N (rate mode)
--   cookie C (one per session)  path P (read kinds)  form P, post P, body B (write)
--   marker M (prefix of the names the writes give their contacts)
-- LOAD_OUTPUT names the file done() writes: one line per response
--   "r what status start_us end_us intended_us" (CLOCK_MONOTONIC, as Python's
--   time.monotonic), "ack marker" per acknowledged write, and wrk's own counters.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } load_timespec;
int clock_gettime(int clock, load_timespec *tp);
]]
local clock = ffi.new("load_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + math.floor(tonumber(clock.tv_nsec) / 1000)
end

local config = { cookie = {}, path = {} }
for line in io.lines(os.getenv("LOAD_CONFIG")) do
  local key, value = line:match("^(%S+) (.*)$")
  if key == "cookie" or key == "path" then
    table.insert(config[key], value)
  elseif key then
    config[key] = value
  end
end
local interval = tonumber(config.interval_us or "0")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  rows, acks = {}, {}
  cookie = config.cookie[(id - 1) % #config.cookie + 1]
  sent, intended, what, marker = 0, nil, nil, nil
  count, token, primed, priming = 0, nil, false, false
  -- Rate mode: connection `id` starts at its own phase of the interval, so the
  -- connections' requests are spread evenly instead of arriving together.
  next_at = now_us() + math.floor(interval * (id - 1) / tonumber(config.connections))
end

if interval > 0 then
  -- wrk opens every connection at the start. Left idle until its first scheduled
  -- request (up to an interval later), a new connection holds one of gunicorn's gthread
  -- threads, blocked reading it, and the other requests queue behind. A browser sends
  -- at once on a connection it opens: so does this script, with an unrecorded
  -- request, after which the connection waits in gunicorn's keep-alive poller.
  function delay()
    if not primed then
      primed, priming = true, true
      return 0
    end
    local wait = next_at - now_us()
    return wait > 0 and math.floor(wait / 1000) or 0
  end
end

local function header_table()
  return { ["Cookie"] = cookie, ["Accept"] = "text/html" }
end

function request()
  if priming then
    priming, what = false, "prime"
    return wrk.format("GET", "/accounts/login/", header_table())
  end
  -- (wrk calls this once more in the first thread to check the script before the run;
  -- a request whose connection fails gets no response() and is counted by wrk.)
  sent = now_us()
  intended = interval > 0 and math.min(next_at, sent) or sent
  if interval > 0 then next_at = next_at + interval end
  count = count + 1
  local headers = header_table()
  if config.kind ~= "write" then
    what = config.kind
    return wrk.format("GET", config.path[(id * 7 + count) % #config.path + 1], headers)
  end
  if token == nil then
    what = "form"
    return wrk.format("GET", config.form, headers)
  end
  what = "post"
  marker = string.format("%s%03d%06d", config.marker, id, count)
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Referer"] = "http://" .. wrk.host .. ":" .. wrk.port .. config.form
  local body = config.body:gsub("CSRFTOKENXX", token):gsub("MARKERXX", marker)
  token = nil -- the next write loads the form again, as a person would
  return wrk.format("POST", config.post, headers, body)
end

function response(status, headers, body)
  if what == "prime" then return end
  table.insert(rows, string.format("r %s %d %d %d %d", what, status, sent, now_us(), intended))
  if what == "form" and status == 200 then
    token = body:match('name="csrfmiddlewaretoken" value="([^"]+)"')
  elseif what == "post" and status == 302 and (headers["Location"] or ""):match("/contacts/%d+/") then
    -- Saved: the form redirects to the new contact's page (not to the login page).
    table.insert(acks, marker)
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("LOAD_OUTPUT"), "w"))
  for _, thread in ipairs(threads) do
    for _, row in ipairs(thread:get("rows") or {}) do out:write(row, "\n") end
    for _, ack in ipairs(thread:get("acks") or {}) do out:write("ack ", ack, "\n") end
  end
  local e = summary.errors
  out:write(string.format("wrk requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout))
  out:close()
end
