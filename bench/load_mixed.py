"""Benchmark: a mixed workload of N concurrent users for D seconds against gunicorn on PostgreSQL.

1. Prepares a new PostgreSQL database (`--db-name`, created on the server of `--postgres`, refused if it
   exists) with the demo district (`qualitygov demo --no-serve`) and collects the static files.
2. Starts gunicorn with the production settings (`config.settings.production`: DEBUG off, secure
   cookies, hashed static files, an audit key), bound to 127.0.0.1 only: `--workers` processes of
   `--threads` threads (default 3 × 4 for 2 cores: one process per core and one more for the time a
   process waits on the database; threads overlap those waits). Persistent database connections.
3. Gets one read API token per demo role through the token endpoint.
4. Runs Locust headless (bench/load_mixed_locustfile.py): N users signing in as the demo roles in
   turn (started at `--spawn-rate` a second, signing in two at a time, waiting for the others), then
   all of them at work for D seconds; think time `--think` seconds between a user's actions.
5. Prints per page, over the D seconds at N users: requests, failures, median, p95 and max; overall
   requests a second; the sign-in times of the ramp; the peak memory
   (RSS) of gunicorn (master and workers together) and of its largest worker; the writes saved and
   refused as stale. Exits non-zero on any failed request (the ramp's included), any server error in
   gunicorn's log or any worker timeout.

Bounded: loopback only; Locust stops D seconds after the last sign-in, or at a hard limit (ramp
allowance + D); gunicorn,
Locust, the database and the folder are removed at the end (`--keep` leaves the database and folder
for a rerun with `--reuse`). Sign-in throttling is not changed: it counts failed sign-ins only, and
each simulated user signs in once, successfully, and keeps its session.

    .venv/bin/python bench/load_mixed.py [--users 200] [--seconds 600] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "load_mixed_locustfile.py"
ROLES = ["office", "leader", "jxj", "zjj", "sjm", "reviewer", "viewer", "inspector"]
PASSWORD = "Putuo-demo-2026"


def _admin(postgres: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(sql)


def _server_env(args, var_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUALITYGOV_", "DJANGO_"))}
    env.update(
        PYTHONPATH=str(ROOT), DATABASE_URL=database_url, QUALITYGOV_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="config.settings.production",
        QUALITYGOV_SECRET_KEY=secrets.token_urlsafe(60), QUALITYGOV_AUDIT_KEY=secrets.token_hex(32),
        QUALITYGOV_ALLOWED_HOSTS="127.0.0.1", QUALITYGOV_DB_CONN_MAX_AGE="60",
        # No mail server on the loopback: notices are kept in the app, e-mails dropped.
        QUALITYGOV_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    return env


def _prepare(env: dict[str, str]) -> None:
    started = time.perf_counter()
    for command in (["-m", "qualitygov.cli", "demo", "--no-serve"], ["manage.py", "collectstatic", "--no-input", "-v0"]):
        result = subprocess.run([sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=900, check=False)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    print(f"prepared the demo district and static files in {time.perf_counter() - started:.0f} s", flush=True)


def _request(url: str, data: dict | None = None, timeout: float = 30) -> tuple[int, bytes]:
    headers = {"X-Forwarded-Proto": "https", "Content-Type": "application/json"}
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wait_ready(base: str, server: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before answering")
        try:
            if _request(f"{base}/healthz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit("gunicorn did not answer /healthz in time")


def _tokens(base: str) -> dict[str, str]:
    tokens = {}
    for role in ROLES:
        status, body = _request(f"{base}/api/v1/auth/token/", {"username": role, "password": PASSWORD,
                                                             "name": "load test", "scope": "read", "days": 1})
        if status != 201:
            raise SystemExit(f"token for {role}: {status} {body[:300]!r}")
        tokens[role] = json.loads(body)["token"]
    return tokens


class MemoryWatch(threading.Thread):
    """Samples the RSS of a process and its children once a second; keeps the peaks (MiB)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.total, self.largest, self.stopped = pid, 0.0, 0.0, threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.stopped.wait(1):
            try:
                rss = [p.memory_info().rss for p in [root, *root.children(recursive=True)]]
            except psutil.Error:
                continue
            self.total = max(self.total, sum(rss) / 2**20)
            self.largest = max(self.largest, max(rss) / 2**20)


def _stop(process: subprocess.Popen | None, grace: float = 15) -> None:
    """Stop a process started in its own session, and everything it started."""
    if process is None or process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _table(prefix: Path) -> tuple[int, int]:
    """Print Locust's per-request figures; (requests, failures) overall."""
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(f"\n{'page':38} {'requests':>8} {'failures':>8} {'median':>8} {'p95':>8} {'max':>8}  (ms)")
    shown = (r for r in rows if r["Name"] != "Aggregated" and int(r["Request Count"]))  # sign-ins: in the ramp
    for row in sorted(shown, key=lambda r: -int(r["Request Count"])):
        print(f"{row['Type'] + ' ' + row['Name']:38} {row['Request Count']:>8} {row['Failure Count']:>8} "
              f"{row['50%']:>8} {row['95%']:>8} {float(row['Max Response Time']):>8.0f}")
    print(f"{'all':38} {total['Request Count']:>8} {total['Failure Count']:>8} {total['50%']:>8} "
          f"{total['95%']:>8} {float(total['Max Response Time']):>8.0f}")
    print(f"overall: {float(total['Requests/s']):.1f} requests/s")
    with open(f"{prefix}_failures.csv", encoding="utf-8") as failures:
        for row in csv.DictReader(failures):
            print(f"FAILED {row['Occurrences']}× {row['Method']} {row['Name']}: {row['Error'][:300]}")
    return int(total["Request Count"]), int(total["Failure Count"])


def _server_errors(log: Path) -> list[str]:
    """Lines of gunicorn's log that mean a request went wrong on the server (500s are logged as ERROR)."""
    marks = ("ERROR", "Traceback", "WORKER TIMEOUT", "CRITICAL")
    return [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
            if any(mark in line for mark in marks)]


def _interrupt(*_args) -> None:
    """SIGTERM (a time limit, a kill) unwinds through `finally` like Ctrl+C does."""
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=600, help="how long all users run after the ramp")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users started a second (each signs in)")
    parser.add_argument("--think", default="5,20", help="think time between a user's actions, min,max seconds")
    parser.add_argument("--port", type=int, default=8024)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--postgres", default=None, help="an admin URL of the PostgreSQL server (default: "
                        "DATABASE_URL when postgres, else postgres://postgres@127.0.0.1:5432/postgres)")
    parser.add_argument("--db-name", default="qualitygov_load")
    parser.add_argument("--var-dir", default=None, help="folder for uploads, static files and logs (default: new)")
    parser.add_argument("--keep", action="store_true", help="leave the database and folder for --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database and --var-dir a --keep run left")
    args = parser.parse_args()
    args.users, args.seconds = min(args.users, 500), min(args.seconds, 3600)  # bounded
    url = os.environ.get("DATABASE_URL", "")
    postgres = args.postgres or (url if url.startswith(("postgres://", "postgresql://"))
                                 else "postgres://postgres@127.0.0.1:5432/postgres")
    database_url = f"{postgres.rsplit('/', 1)[0]}/{args.db_name}"
    if args.reuse and not args.var_dir:
        raise SystemExit("--reuse needs the --var-dir of the --keep run")
    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="qg-load-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"
    ramp = max(120, 5 * args.users)  # the longest the sign-ins may take (about 0.5 s of CPU each, 2 at a time)
    env = _server_env(args, var_dir, database_url)
    server = locust = None
    created = False
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if not args.reuse:
            _admin(postgres, f'CREATE DATABASE "{args.db_name}"')
            created = True
            _prepare(env)
        log = var_dir / "gunicorn.log"
        with open(log, "w", encoding="utf-8") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{args.port}",
                 "--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread",
                 "--timeout", "60", "--graceful-timeout", "10"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_ready(base, server)
        memory = MemoryWatch(server.pid)
        memory.start()
        tokens = _tokens(base)
        prefix = var_dir / "locust"
        counts_file = var_dir / "counts.json"
        locust_env = {**os.environ, "QG_LOAD_TOKENS": json.dumps(tokens), "QG_LOAD_THINK": args.think,
                      "QG_LOAD_COUNTS": str(counts_file), "QG_LOAD_USERS": str(args.users),
                      "QG_LOAD_SECONDS": str(args.seconds), "QG_LOAD_RAMP_LIMIT": str(ramp)}
        print(f"{args.users} users (started at {args.spawn_rate}/s, then {args.seconds} s with all signed in), think "
              f"{args.think} s; gunicorn {args.workers} workers × {args.threads} threads on {base}; "
              f"PostgreSQL database {args.db_name}; Python {platform.python_version()}, {os.cpu_count()} cores; "
              f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
        started = time.perf_counter()
        with open(var_dir / "locust.log", "w", encoding="utf-8") as out:
            locust = subprocess.Popen(
                [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", base,
                 "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
                 "--run-time", f"{ramp + args.seconds}s", "--stop-timeout", "20", "--csv", str(prefix),
                 "--only-summary", "--loglevel", "WARNING"],
                cwd=ROOT, env=locust_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                locust.wait(timeout=ramp + args.seconds + 120)
            except subprocess.TimeoutExpired:
                print("Locust did not stop in time: killed", flush=True)
        elapsed = time.perf_counter() - started
        memory.stopped.set()
        if locust.returncode is None:
            raise SystemExit("Locust did not stop")
        print(f"ran {elapsed:.0f} s; load average after: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
        requests, failures = _table(prefix)
        extra = json.loads(counts_file.read_text(encoding="utf-8")) if counts_file.exists() else {}
        counts, sign_ins = extra.get("counts", {}), sorted(extra.get("sign_in_ms", []))
        if sign_ins:
            print(f"sign-ins during the ramp: {len(sign_ins)}, median {statistics.median(sign_ins):.0f} ms, "
                  f"p95 {sign_ins[int(0.95 * (len(sign_ins) - 1))]:.0f} ms")
        for what, n in sorted(counts.items()):
            print(f"  {what}: {n}")
        failures = max(failures, counts.get("failed requests, whole run", 0))
        print(f"gunicorn peak RSS: {memory.total:.0f} MiB in all, {memory.largest:.0f} MiB its largest process")
        errors = _server_errors(log)
        for line in errors[:20]:
            print(f"SERVER {line[:300]}")
        if "all users signed in after (s)" not in counts:
            print(f"not all {args.users} users signed in within the run: the figures include the ramp")
        ok = (locust.returncode == 0 and failures == 0 and not errors and requests > 0
              and "all users signed in after (s)" in counts)
        print(f"{'OK' if ok else 'FAILED'}: {requests} requests, {failures} failed, {len(errors)} server error lines "
              f"(locust exit {locust.returncode})")
        sys.exit(0 if ok else 1)
    finally:
        _stop(locust)
        _stop(server)
        if not args.keep:
            if created or args.reuse:
                from contextlib import suppress

                with suppress(Exception):
                    _admin(postgres, f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
