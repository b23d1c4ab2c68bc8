-- Signs the benchmark campaign with a unique address per request (or, with a duplicate
-- share, an address this thread already used). Each request comes from its own client
-- address through X-Forwarded-For, as behind a trusted proxy, so per-IP limits hold nobody.
-- Arguments after `--`: run id, duplicate share (0..1). Prints one JSON line when done.

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  run = args[1] or "0"
  dup_share = tonumber(args[2] or "0")
  counter = 0
  uniques = 0
  dups = 0
  math.randomseed(tid * 7919 + os.time())
end

function request()
  counter = counter + 1
  local n
  if dup_share > 0 and uniques > 20 and math.random() < dup_share then
    n = math.random(1, uniques - 10)
    dups = dups + 1
  else
    uniques = uniques + 1
    n = uniques
  end
  local body = string.format(
    "name=Bench+Signer+%d&email=r%s-t%d-n%d%%40bench.example&country=DE&updates=yes",
    n, run, tid, n)
  local ip = string.format("10.%d.%d.%d", tid % 256, math.floor(counter / 256) % 256, counter % 256)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = ip,
  }, body)
end

function done(summary, latency, requests)
  local total_dups = 0
  for _, thread in ipairs(threads) do
    total_dups = total_dups + (thread:get("dups") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"status_errors":%d,"socket_errors":%d,"duplicates_sent":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout, total_dups))
end
