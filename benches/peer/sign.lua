-- wrk script: every POST is a valid, unique signature on the peer (appel-crises 0.0.37).
--
--   wrk -t2 -c16 -d20s -s benches/peer/sign.lua http://127.0.0.1:$PEER_PORT/api/sign
--
-- How a signature is made valid (read from appel_crises/api.py, views.py, challenges.py):
--   * POST /api/sign is protected by Django's CsrfViewMiddleware: it needs the `csrftoken`
--     cookie and a matching `csrfmiddlewaretoken` form field. Both come from GET /signer
--     (the no-JS form page), exactly as a browser gets them.
--   * The form carries `challenge_id` = django.core.signing.Signer().sign(N), i.e. "N:<hmac>",
--     and a question; the answer for challenge N is looked up in `answers` below (copied from
--     appel_crises/data/challenges.py, lowercased as the app compares them).
--   * firstname, surname, email (unique in appel_crises_signature), challenge_answer.
--   A stored signature answers 302 (Location: /confirmation); anything else is a failure
--   (400 wrong answer / duplicate e-mail, 403 CSRF).
--
-- Flow: a request state machine driven by wrk's request()/response() callbacks. Neither the
-- CSRF token nor the signed challenge is bound to a connection or a session (the CSRF check
-- is cookie-vs-field; the challenge is a stateless HMAC with no expiry or single use), so a
-- fetched (cookie, token, challenge) triple can be used on any connection of the thread.
--   PEER_FLOW=reuse (default): each thread GETs /signer until it has one triple, then every
--     request is a POST reusing it. wrk's numbers are then (almost) pure sign requests; the
--     handful of initial GETs (one per connection at most) are reported below.
--   PEER_FLOW=fresh: every POST uses a triple from its own GET /signer (GET, POST, GET, ...),
--     as a browser would. wrk's Requests/sec then counts both; use "signatures/s" below.
-- Unique e-mails: bench-<run>-t<thread>-<n>@example.org; <run> is PEER_RUN_ID or the start
-- time, so repeated runs against the same database do not collide.
-- At the end a JSON line is printed: {"signatures_ok":..,"failed":..,"gets":..,"rate":..}.

local answers = {
  [0]="5", [1]="2", [2]="2", [3]="3", [4]="101", [5]="blanc", [6]="blanc", [7]="donald",
  [8]="dupont", [9]="janvier", [10]="jaune", [11]="la poule", [12]="lundi", [13]="neige",
  [14]="orange", [15]="paris", [16]="parlons", [17]="paul", [18]="pomme", [19]="pouce",
  [20]="reconstruction", [21]="sable", [22]="spiderman", [23]="tous", [24]="une fleur",
  [25]="vache", [26]="harry potter", [27]="marry poppins", [28]="bleu", [29]="coudre",
  [30]="souder", [31]="repasser", [32]="piano", [33]="carotte", [34]="banane", [35]="scie",
  [36]="tournevis", [37]="canard", [38]="chine", [39]="fourchette", [40]="victor hugo",
  [41]="ananas", [42]="moine", [43]="4", [44]="un sac a dos", [45]="salade",
  [46]="saucisse", [47]="pingouins", [48]="hérissons", [49]="briques",
}

local FORM_PATH = os.getenv("PEER_FORM_PATH") or "/signer"
local FRESH = (os.getenv("PEER_FLOW") or "reuse") == "fresh"

-- ---------------------------------------------------------------- main state (setup/done)
local threads = {}
local next_thread = 0
local run_id = os.getenv("PEER_RUN_ID") or tostring(os.time())

function setup(thread)
  thread:set("tid", next_thread)
  thread:set("run", run_id)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

-- ---------------------------------------------------------------- per-thread state
local sign_path
local counter = 0
local triples = {}      -- fetched {cookie, token, challenge_id, answer}
local current = nil     -- reuse mode: the one triple in use
ok, failed, gets, get_failed = 0, 0, 0, 0

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

function init(args)
  sign_path = wrk.path
  if sign_path == nil or sign_path == "" or sign_path == "/" then sign_path = "/api/sign" end
end

local function get_form()
  return wrk.format("GET", FORM_PATH)
end

local function post_sign(t)
  counter = counter + 1
  local email = string.format("bench-%s-t%d-%d@example.org", run, tid, counter)
  local body = "csrfmiddlewaretoken=" .. urlencode(t.token)
    .. "&firstname=Bench&surname=" .. urlencode("T" .. tid .. "-" .. counter)
    .. "&email=" .. urlencode(email)
    .. "&challenge_id=" .. urlencode(t.cid)
    .. "&challenge_answer=" .. urlencode(t.answer)
  return wrk.format("POST", sign_path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. t.cookie,
  }, body)
end

function request()
  local t
  if FRESH then
    t = table.remove(triples, 1)
  else
    t = current
  end
  if t == nil then
    return get_form()
  end
  return post_sign(t)
end

local function parse_form(headers, body)
  local cookie
  for k, v in pairs(headers) do
    if k:lower() == "set-cookie" then cookie = v:match("csrftoken=([^;]+)") end
  end
  local token = body:match('name="csrfmiddlewaretoken" value="([^"]+)"')
  local cid = body:match('name="challenge_id" value="([^"]+)"')
  if not (cookie and token and cid) then return nil end
  local n = tonumber(cid:match("^(%d+):"))
  local answer = n and answers[n]
  if answer == nil then return nil end
  return { cookie = cookie, token = token, cid = cid, answer = answer }
end

-- Note on matching responses to requests: wrk calls request() when a connection is about to
-- send and response() when a response is complete, without saying which connection. We
-- classify by content instead of by order: a GET /signer answer is a 200 HTML page with the
-- form; a successful sign is a 302 to /confirmation.
function response(status, headers, body)
  if status == 200 and body and body:find('name="challenge_id"', 1, true) then
    gets = gets + 1
    local t = parse_form(headers, body)
    if t then
      if FRESH then table.insert(triples, t) else current = current or t end
    else
      get_failed = get_failed + 1
    end
  elseif status == 302 then
    ok = ok + 1
  else
    failed = failed + 1
  end
end

-- ---------------------------------------------------------------- report
function done(summary, latency, requests)
  local o, f, g, gf = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + (t:get("ok") or 0)
    f = f + (t:get("failed") or 0)
    g = g + (t:get("gets") or 0)
    gf = gf + (t:get("get_failed") or 0)
  end
  local secs = summary.duration / 1e6
  io.write(string.format(
    "signatures/s: %.1f  (stored %d, failed %d, form GETs %d, unusable forms %d, socket errors %d)\n",
    o / secs, o, f, g, gf,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format(
    '{"signatures_ok":%d,"failed":%d,"gets":%d,"requests":%d,"seconds":%.3f,"rate":%.1f,' ..
    '"p50_ms":%.2f,"p99_ms":%.2f}\n',
    o, f, g, summary.requests, secs, o / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
