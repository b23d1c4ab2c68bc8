#!/usr/bin/env python3
"""Slow clients and a database outage against `undersign serve`.

Usage: benches/resilience.py [SLOW_CONNECTIONS]   (default 1500)
Needs `cargo build` and the test PostgreSQL under target/test-pg (started by `cargo test`).
Starts serve with a soft open-file limit of 1024, times signing and /healthz before and beside
SLOW_CONNECTIONS stalled request bodies, waits for their 408s, then takes the database away
and times the 503s.
"""
import os, resource, socket, subprocess, sys, time, urllib.request, urllib.error, statistics, uuid

WT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = f"{WT}/target/debug/undersign"
SOCK = f"{WT}/target/test-pg/run"
PSQL = [p for p in __import__("glob").glob("/usr/lib/postgresql/*/bin/psql")][0]
DB = "undersign_measure"
PORT = 18181
URL = f"postgresql://postgres@/{DB}?host={SOCK}"
SLOW = int(sys.argv[1]) if len(sys.argv) > 1 else 1500

def psql(sql):
    subprocess.run([PSQL, "-h", SOCK, "-U", "postgres", "-d", "postgres", "-qc", sql], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning", DATABASE_URL=URL, UNDERSIGN_SECRET_KEY="m" * 40, RUST_LOG="warn",
           UNDERSIGN_DATA_DIR=f"{WT}/target/bench-resilience")
psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
psql(f"CREATE DATABASE {DB}")
out = subprocess.run([BIN, "campaign", "import", f"{WT}/tests/fixtures/letters/markdown-front-matter.md",
                      "--launch"], env=env, capture_output=True, text=True, check=True).stdout
slug = [l.split()[1] for l in out.splitlines() if l.startswith("slug")][0]

# serve starts with a soft open-file limit of 1024 (the hard limit stays as it is)
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
serve = subprocess.Popen(["bash", "-c", f"ulimit -Sn 1024; exec {BIN} serve --no-worker --bind 127.0.0.1:{PORT}"],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
serve.stdout.readline()
pid = serve.pid
soft_now = [l for l in open(f"/proc/{pid}/limits") if l.startswith("Max open files")][0].split()[3]
print(f"serve soft open-file limit: started at 1024, now {soft_now} (hard {hard})")

def req(method, path, body=None):
    data = body.encode() if body else None
    r = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=data, method=method)
    if body: r.add_header("Content-Type", "application/x-www-form-urlencoded")
    t = time.monotonic()
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k): return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        resp = opener.open(r, timeout=30); status, headers = resp.status, resp.headers
    except urllib.error.HTTPError as e:
        status, headers = e.code, e.headers
    return status, (time.monotonic() - t) * 1000, headers.get("Retry-After")

def sign_round(n, tag):
    times, statuses = [], []
    for i in range(n):
        s, ms, _ = req("POST", f"/c/{slug}/sign", f"name=Ana&email={tag}{i}-{uuid.uuid4().hex[:6]}%40example.org&country=HR")
        times.append(ms); statuses.append(s)
        s, ms, _ = req("GET", "/healthz"); times.append(ms); statuses.append(s)
    return statuses, times

def summary(label, statuses, times):
    times = sorted(times)
    print(f"{label}: statuses {sorted(set(statuses))}, p50 {statistics.median(times):.1f} ms, max {times[-1]:.1f} ms over {len(times)} requests")

summary("baseline (signing + /healthz)", *sign_round(20, "base"))

resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
conns = []
t_open = time.monotonic()
head = (f"POST /c/{slug}/sign HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 100\r\n\r\nn").encode()
for i in range(SLOW):
    s = socket.create_connection(("127.0.0.1", PORT)); s.sendall(head); conns.append(s)
fds = len(os.listdir(f"/proc/{pid}/fd"))
print(f"{SLOW} slow-body connections open; serve holds {fds} file descriptors")
summary(f"beside {SLOW} slow bodies", *sign_round(20, "slow"))
answered = 0; last = 0
for s in conns:
    s.settimeout(30)
    try:
        data = s.recv(64)
        if data.startswith(b"HTTP/1.1 408"): answered += 1
    except socket.timeout:
        pass
    last = time.monotonic() - t_open
    s.close()
print(f"slow bodies answered 408: {answered}/{SLOW}; the last within {last:.1f} s of opening")

psql(f"ALTER DATABASE {DB} ALLOW_CONNECTIONS false")
psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{DB}'")
for method, path, body in [("GET", "/healthz", None), ("GET", f"/c/{slug}", None), ("GET", f"/api/v1/campaigns/{slug}", None),
                           ("POST", f"/c/{slug}/sign", "name=Ana&email=down%40example.org&country=HR")]:
    time.sleep(1.1)  # past the page caches
    s, ms, ra = req(method, path, body)
    print(f"database down: {method} {path} -> {s} in {ms:.0f} ms, Retry-After {ra}")
psql(f"ALTER DATABASE {DB} ALLOW_CONNECTIONS true")
s, ms, _ = req("GET", "/healthz"); print(f"database back: /healthz -> {s} in {ms:.0f} ms")
serve.terminate(); serve.wait()
psql(f'DROP DATABASE IF EXISTS {DB} WITH (FORCE)')
