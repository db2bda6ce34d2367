"""Benchmark: the public site and the open-data API under load, against a bare Django view, with wrk.

1. Prepares the demo district in a new folder (`qualitygov demo --no-serve`, SQLite unless `--postgres`
   names a server), publishes every indicator, task group and the plan through the portal's services
   when the demo published nothing, and collects the static files.
2. Starts gunicorn with the production settings plus one bare view (bench/public_load_site.py,
   bench/public_load_urls.py: `/bench/bare/` answers "ok" through the same middleware), bound to
   127.0.0.1 only, `--workers` processes × `--threads` threads (gthread). The cache is the default one
   (files under the folder) unless `--redis` (Redis on 127.0.0.1:6379, keys under a prefix of this run).
   The open-data rate limit is raised out of reach (its counter still runs on every request).
3. For each page — the bare view, `/public/`, an indicator's public page, the API's indicator list, one
   API indicator, the API's value list, and the bare view again — runs wrk (`--connections`, `--seconds`,
   2 threads) and reads requests/s, p50/p95/p99 and errors; prints each as a ratio to the bare view
   (the mean of its two runs; goal ≥ 50 %).
4. Then 200 connections for 60 s (`--soak-connections`, `--soak-seconds`) over all the measured pages in
   turn: zero socket errors and zero non-2xx answers are required.

Bounded: loopback only, every wrk run limited in time; gunicorn and the folder are removed at the end.
Exits non-zero on an error in the soak, a page not answering 200, or a server error in gunicorn's log.

    apt-get install -y wrk
    .venv/bin/python bench/public_load.py [--workers 3 --threads 4] [--redis] [--seconds 15]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
LUA = BENCH / "public_load.lua"

PUBLISH = r"""
import json
from qualitygov.accounts.models import User
from qualitygov.indicators.models import Indicator
from qualitygov.plans.models import Plan, TaskGroup
from qualitygov.portal import services
from qualitygov.portal.models import PublishedItem
from qualitygov.opendata.datasets import public_url

office = User.objects.get(username="office")
if not PublishedItem.objects.filter(state="published", kind="indicator").exists():
    for plan in Plan.objects.all():
        services.item_publish(actor=office, kind="plan", obj=plan)
    for indicator in Indicator.objects.order_by("plan_id", "order"):
        services.item_publish(actor=office, kind="indicator", obj=indicator)
    for group in TaskGroup.objects.order_by("plan_id", "order"):
        services.item_publish(actor=office, kind="taskgroup", obj=group)
items = PublishedItem.objects.filter(state="published", kind="indicator").order_by("sort_key", "id")
first = items.first()
print(json.dumps({"indicators": items.count(), "slug": first.slug, "page": public_url(first),
                  "published": PublishedItem.objects.filter(state="published").count()}))
"""


def _env(args, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUALITYGOV_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        PYTHONPATH=f"{BENCH}{os.pathsep}{ROOT}", QUALITYGOV_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="public_load_site",
        QUALITYGOV_SECRET_KEY=secrets.token_urlsafe(60), QUALITYGOV_AUDIT_KEY=secrets.token_hex(32),
        QUALITYGOV_ALLOWED_HOSTS="127.0.0.1", QUALITYGOV_DB_CONN_MAX_AGE="60",
        QUALITYGOV_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        QUALITYGOV_OPENDATA_RATE_LIMIT="1000000000",
        QG_BENCH_CACHE_PREFIX=f"qg-bench-{secrets.token_hex(4)}",
    )
    if args.postgres:
        env["DATABASE_URL"] = args.postgres
    if args.redis:
        env["QUALITYGOV_CACHE_URL"] = args.redis
    return env


def _prepare(env: dict[str, str]) -> dict:
    started = time.perf_counter()
    for command in (["-m", "qualitygov.cli", "demo", "--no-serve"],
                    ["manage.py", "collectstatic", "--no-input", "-v0"]):
        result = subprocess.run([sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=900, check=False)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", PUBLISH], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0:
        raise SystemExit(f"publishing failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    info = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"prepared the demo district ({info['published']} published items, {info['indicators']} indicators) "
          f"in {time.perf_counter() - started:.0f} s", flush=True)
    return info


def _published(env: dict[str, str]) -> dict:
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, timeout=600, check=True)
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", PUBLISH], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
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
            if _get(f"{base}/bench/bare/", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit("gunicorn did not answer in time")


def _wrk(base: str, paths: list[str], *, connections: int, seconds: int) -> dict:
    """One bounded wrk run over `paths` (in turn); its figures as a dict."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "--latency",
               "-s", str(LUA), base, "--", *paths]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if result.returncode != 0:
        raise SystemExit(f"wrk failed: {result.stderr}")
    line = next(row for row in reversed(result.stdout.splitlines()) if row.startswith("{"))
    figures = json.loads(line)
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    non2xx = [row for row in result.stdout.splitlines() if "Non-2xx" in row]
    figures["non2xx"] = int(non2xx[0].split(":")[1]) if non2xx else 0
    return figures


def _server_errors(log: Path) -> list[str]:
    marks = ("ERROR", "Traceback", "WORKER TIMEOUT", "CRITICAL")
    return [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
            if any(mark in line for mark in marks)]


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=50, help="connections of each page's run")
    parser.add_argument("--seconds", type=int, default=15, help="length of each page's run")
    parser.add_argument("--soak-connections", type=int, default=200)
    parser.add_argument("--soak-seconds", type=int, default=60)
    parser.add_argument("--postgres", default=None, help="DATABASE_URL of an empty PostgreSQL database (default SQLite)")
    parser.add_argument("--redis", nargs="?", const="redis://127.0.0.1:6379/0", default=None,
                        help="use Redis as the cache (default URL redis://127.0.0.1:6379/0)")
    parser.add_argument("--var-dir", default=None, help="folder of the run (default: a new one, removed at the end)")
    parser.add_argument("--reuse", action="store_true", help="the --var-dir is prepared already: skip step 1")
    args = parser.parse_args()
    args.seconds, args.soak_seconds = min(args.seconds, 120), min(args.soak_seconds, 600)  # bounded
    args.connections, args.soak_connections = min(args.connections, 1000), min(args.soak_connections, 1000)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="qg-public-load-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"
    env = _env(args, var_dir)
    server = None
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        info = _prepare(env) if not args.reuse else _published(env)
        log = var_dir / "gunicorn.log"
        with open(log, "w", encoding="utf-8") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{args.port}",
                 "--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread",
                 "--timeout", "60", "--graceful-timeout", "10", "--backlog", "2048"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_ready(base, server)
        pages = {"bare view": "/bench/bare/", "/public/": "/public/"}
        if info.get("page"):
            pages["indicator page"] = info["page"]
        pages |= {"API indicator list": "/api/open/v1/indicators/",
                  "API one indicator": f"/api/open/v1/indicators/{info['slug']}/",
                  "API value list": "/api/open/v1/indicator-values/"}
        bad = {}
        for name, path in list(pages.items()):
            status, _body = _get(base + path)
            if status != 200:
                bad[name] = status
                del pages[name]
        for name, status in bad.items():
            print(f"not measured: {name} answers {status}")
        cache = "Redis" if args.redis else "files"
        database = "PostgreSQL" if args.postgres else "SQLite"
        print(f"gunicorn {args.workers} workers × {args.threads} threads (gthread) on {base}, {database}, cache in "
              f"{cache}; wrk 2 threads, {args.connections} connections, {args.seconds} s a page; "
              f"Python {platform.python_version()}, {os.cpu_count()} cores; "
              f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
        results: dict[str, dict] = {}
        order = [*pages, "bare view (again)"]
        for name in order:
            path = pages["bare view"] if name.startswith("bare view") else pages[name]
            _wrk(base, [path], connections=args.connections, seconds=2)  # warm up (and fill the cache)
            results[name] = _wrk(base, [path], connections=args.connections, seconds=args.seconds)
        bare_rps = (results["bare view"]["rps"] + results["bare view (again)"]["rps"]) / 2
        print(f"\n{'page':22} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}")
        short = []
        for name in order:
            r = results[name]
            ratio = r["rps"] / bare_rps
            if not name.startswith("bare") and ratio < 0.5:
                short.append(name)
            print(f"{name:22} {r['rps']:8.0f} {ratio:6.0%} {r['p50_us'] / 1000:7.1f} {r['p95_us'] / 1000:7.1f} "
                  f"{r['p99_us'] / 1000:7.1f} {r['errors'] + r['non2xx']:6d}")
        soak_paths = [p for n, p in pages.items() if n != "bare view"]
        print(f"\nsoak: {args.soak_connections} connections for {args.soak_seconds} s over {len(soak_paths)} pages "
              "in turn", flush=True)
        soak = _wrk(base, soak_paths, connections=args.soak_connections, seconds=args.soak_seconds)
        soak_errors = soak["errors"] + soak["non2xx"]
        print(f"  {soak['requests']} requests, {soak['rps']:.0f}/s, p50 {soak['p50_us'] / 1000:.1f} ms, p95 "
              f"{soak['p95_us'] / 1000:.1f} ms, p99 {soak['p99_us'] / 1000:.1f} ms, max {soak['max_us'] / 1000:.0f} ms; "
              f"errors: connect {soak['connect']}, read {soak['read']}, write {soak['write']}, timeout "
              f"{soak['timeout']}, non-2xx {max(soak['status'], soak['non2xx'])}")
        print(f"load average after: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
        errors = _server_errors(log)
        for line in errors[:20]:
            print(f"SERVER {line[:300]}")
        ok = soak_errors == 0 and not errors and not bad
        print(f"{'OK' if ok else 'FAILED'}: soak errors {soak_errors}, server error lines {len(errors)}, pages not "
              f"answering 200: {len(bad)}; below 50 % of the bare view: {', '.join(short) or 'none'}")
        sys.exit(0 if ok else 1)
    finally:
        _stop(server)
        if not args.var_dir:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
