"""Fifty people at once: requests/s, latency and errors of ``taizhang serve`` under a mixed load.

    DATABASE_URL=sqlite:////tmp/load.sqlite3 python benchmarks/load.py [--users 50] [--duration 120]
    python benchmarks/load.py --url http://127.0.0.1:8000   # a server already running

Without ``--url`` it starts ``taizhang serve --no-worker`` on a free port against the database
named by DATABASE_URL (load it first with ``taizhang demo`` or ``taizhang seed-scale``) and stops
it at the end; the server's own CPU time is then read from /proc and printed per request. The
accounts come from that database: the supervisors and handlers of the organisation with the most
tasks (no second factor, no password to change), ``--accounts`` of them, each signed in once;
the ``--users`` simulated people share those sessions. Each person loops: think 0..``--think``
seconds, then one request drawn from the mix (我的待办, ledger pages 1..N with and without
filters, a task page, the unit tree, the API lists). Every answer but a 200 counts as an error
(a redirect means a lost session). Prints requests/s, p50/p95/p99 and errors per page kind.
"""

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")

STATUSES = ["assigned", "signed", "in_progress", "returned", "completion_reported", "closed"]
LIGHTS = ["green", "blue", "yellow", "red"]
KEYWORDS = ["改革", "工作", "建设", "落实", "推进"]
# (kind, weight): what a person asks for next.
MIX = [
    ("todo", 20),
    ("ledger", 12),
    ("ledger_page", 10),
    ("ledger_filter", 14),
    ("ledger_keyword", 4),
    ("task", 22),
    ("units", 5),
    ("api_tasks", 9),
    ("api_units", 4),
]
LEDGER_PAGE_SIZE = 20


def accounts(count, password):
    """``count`` sign-in names from the database: half supervisors, half handlers."""
    import django

    django.setup()
    from django.db.models import Count

    from taizhang.org.choices import Role
    from taizhang.org.models import Organisation, User

    org = (
        Organisation.objects.annotate(n=Count("tasks")).order_by("-n", "pk").first()
        if Organisation.objects.exists()
        else None
    )
    if org is None:
        sys.exit("No organisation in the database: run `taizhang demo` or `taizhang seed-scale`.")
    usable = User.objects.filter(
        organisation=org, is_active=True, must_change_password=False, totp_secret=""
    ).order_by("pk")
    supervisors = list(usable.filter(role=Role.SUPERVISOR).values_list("username", flat=True))
    handlers = list(
        usable.filter(role=Role.HANDLER, memberships__isnull=False)
        .distinct()
        .values_list("username", flat=True)
    )
    half = max(1, count // 2)
    picked = supervisors[:half] + handlers[: count - min(half, len(supervisors))]
    picked += supervisors[half:][: count - len(picked)]
    if not picked:
        sys.exit(f"No supervisor or handler to sign in as in {org}.")
    roles = dict(usable.filter(username__in=picked).values_list("username", "role"))
    return org, [(name, password, roles[name]) for name in picked]


class Client:
    """One keep-alive HTTP connection with a session's cookies."""

    def __init__(self, url, cookies=None):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies = dict(cookies or {})
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        headers = {**(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _sep, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status, data
        raise AssertionError("unreachable")


def sign_in(url, username, password):
    client = Client(url)
    status, page = client.request("GET", "/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not token:
        sys.exit(f"GET /login/ answered {status} without a form")
    body = urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password}
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _page = client.request("POST", "/login/", body=body, headers=headers)
    if status != 302 or "sessionid" not in client.cookies:
        sys.exit(f"Signing in as {username} failed ({status}); is the password right?")
    return client.cookies


def prepare(url, cookies):
    """What this account can see: some task ids and the ledger's page count."""
    import json

    client = Client(url, cookies)
    status, data = client.request("GET", "/api/tasks?limit=200")
    if status != 200:
        sys.exit(f"GET /api/tasks answered {status}")
    listing = json.loads(data)
    ids = [row["id"] for row in listing["results"]]
    pages = max(1, -(-listing["count"] // LEDGER_PAGE_SIZE))
    return {"cookies": cookies, "tasks": ids, "pages": pages, "count": listing["count"]}


def _filtered_ledger(session, rng):
    query = rng.choice(
        [
            {"status": rng.choice(STATUSES)},
            {"light": rng.choice(LIGHTS)},
            {"overdue": "true"},
            {"status": rng.choice(STATUSES), "light": rng.choice(LIGHTS)},
        ]
    )
    query["page"] = rng.randint(1, 3)
    return "/tasks/?" + urlencode(query)


def _task(session, rng):
    return f"/tasks/{rng.choice(session['tasks'])}/" if session["tasks"] else "/"


def _api_tasks(session, rng):
    offset = rng.randint(0, max(0, min(session["count"], 2000) - 50))
    return f"/api/tasks?limit=50&offset={offset}"


# kind: the path of the next such request, from the session and the random generator.
PATHS = {
    "todo": lambda session, rng: "/",
    "ledger": lambda session, rng: "/tasks/",
    "ledger_page": lambda session, rng: f"/tasks/?page={rng.randint(1, session['pages'])}",
    "ledger_filter": _filtered_ledger,
    "ledger_keyword": lambda session, rng: "/tasks/?" + urlencode({"q": rng.choice(KEYWORDS)}),
    "task": _task,
    "units": lambda session, rng: "/units/",
    "api_tasks": _api_tasks,
    "api_units": lambda session, rng: "/api/units",
}


def person(number, url, session, stop, think, results, lock):
    rng = random.Random(number)
    client = Client(url, session["cookies"])
    kinds, weights = zip(*MIX, strict=True)
    while not stop.is_set():
        time.sleep(rng.uniform(0, think))
        if stop.is_set():
            break
        kind = rng.choices(kinds, weights)[0]
        path = PATHS[kind](session, rng)
        start = time.perf_counter()
        try:
            status, _data = client.request("GET", path)
            ok = status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            client.connection = None
        elapsed = time.perf_counter() - start
        with lock:
            results.append((kind, session["role"], elapsed, ok))


def signer(url, names, rate, stop, results, lock):
    """Sign-ins at ``rate`` a second beside the pages (``--sign-ins``), timed as kind "login"."""
    rng = random.Random(-1)
    while not stop.is_set():
        time.sleep(rng.expovariate(rate))
        username, password, role = rng.choice(names)
        start = time.perf_counter()
        try:
            sign_in(url, username, password)
            ok = True
        except (OSError, http.client.HTTPException, SystemExit):
            ok = False
        with lock:
            results.append(("login", role, time.perf_counter() - start, ok))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port, extra):
    command = [
        sys.executable,
        "-m",
        "taizhang.cli",
        "serve",
        "--no-worker",
        "--bind",
        f"127.0.0.1:{port}",
        *extra,
    ]
    env = {**os.environ, "TAIZHANG_LOG_LEVEL": os.environ.get("TAIZHANG_LOG_LEVEL", "WARNING")}
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, start_new_session=True, cwd=ROOT
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"taizhang serve exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("taizhang serve did not answer within 120 s")


def process_tree_cpu(root_pid):
    """CPU seconds (user + system) of a process and all its descendants, from /proc."""
    children, cpu = {}, {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(results, seconds, cpu_seconds):
    print(f"\n{'kind':<16}{'role':<12}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}")
    groups = {}
    for kind, role, elapsed, ok in results:
        groups.setdefault((kind, role), []).append((elapsed, ok))
    for (kind, role), rows in sorted(groups.items()):
        times = [e * 1000 for e, _ok in rows]
        errors = sum(1 for _e, ok in rows if not ok)
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        print(f"{kind:<16}{role:<12}{len(rows):>9}{errors:>8}{p50:>9.0f}{p95:>9.0f}")
    pages = [row for row in results if row[0] != "login"]
    times = [e * 1000 for _k, _r, e, _ok in pages]
    errors = sum(1 for *_rest, ok in pages if not ok)
    print(
        f"\npages: {len(pages)} requests in {seconds:.0f} s = {len(pages) / seconds:.1f} "
        f"requests/s; p50 {percentile(times, 0.5):.0f} ms, p95 {percentile(times, 0.95):.0f} ms, "
        f"p99 {percentile(times, 0.99):.0f} ms; {errors} errors"
    )
    if cpu_seconds is not None and results:
        print(
            f"server CPU: {cpu_seconds:.1f} s = {cpu_seconds * 1000 / len(results):.1f} ms "
            f"a request; load average {os.getloadavg()[0]:.1f}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server; else taizhang serve is started")
    parser.add_argument("--users", type=int, default=50, help="simulated people at once")
    parser.add_argument("--accounts", type=int, default=10, help="accounts signed in, once each")
    parser.add_argument("--duration", type=float, default=120, help="seconds of load")
    parser.add_argument("--think", type=float, default=1.0, help="longest think time, seconds")
    parser.add_argument(
        "--sign-ins", type=float, default=0, help="sign-ins a second beside the pages (PBKDF2)"
    )
    parser.add_argument("--password", default=os.environ.get("TAIZHANG_LOAD_PASSWORD"))
    parser.add_argument(
        "--serve-arg", action="append", default=[], help="passed to taizhang serve (repeatable)"
    )
    args = parser.parse_args()
    org, names = accounts(args.accounts, args.password or "taizhang2026")
    server = None
    url = args.url
    if url is None:
        port = free_port()
        server = start_server(port, args.serve_arg)
        url = f"http://127.0.0.1:{port}"
    try:
        start = time.perf_counter()
        sessions = []
        for username, password, role in names:
            session = prepare(url, sign_in(url, username, password))
            session["role"] = role
            sessions.append(session)
        signing = time.perf_counter() - start
        summary = ", ".join(
            f"{n} ({s['role']}, {s['count']} tasks)"
            for (n, _p, _r), s in zip(names, sessions, strict=True)
        )
        print(f"{org}: signed in {len(sessions)} accounts in {signing:.1f} s: {summary}")
        print(
            f"{args.users} people, think 0–{args.think:g} s, {args.duration:g} s against {url}",
            flush=True,
        )
        stop, lock, results = threading.Event(), threading.Lock(), []
        # Half the people are supervisors, half handlers (when there are both).
        by_role = {}
        for session in sessions:
            by_role.setdefault(session["role"], []).append(session)
        groups = list(by_role.values())
        threads = []
        for n in range(args.users):
            group = groups[n % len(groups)]
            session = group[(n // len(groups)) % len(group)]
            threads.append(
                threading.Thread(
                    target=person,
                    args=(n, url, session, stop, args.think, results, lock),
                    daemon=True,
                )
            )
        if args.sign_ins:
            threads.append(
                threading.Thread(
                    target=signer,
                    args=(url, names, args.sign_ins, stop, results, lock),
                    daemon=True,
                )
            )
        cpu_before = process_tree_cpu(server.pid) if server else None
        client_before = time.process_time()
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join(timeout=70)
        seconds = time.perf_counter() - start
        cpu = process_tree_cpu(server.pid) - cpu_before if server else None
        report(results, seconds, cpu)
        # A closed loop: each person waits for the answer, then thinks. Even with answers in no
        # time, the people cannot ask more often than this.
        ceiling = args.users / (args.think / 2) if args.think else float("inf")
        print(f"ceiling with think 0–{args.think:g} s: {ceiling:.0f} requests/s (zero latency)")
        print(f"load generator CPU: {time.process_time() - client_before:.1f} s")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


if __name__ == "__main__":
    main()
