"""Locust users for bench/load_mixed.py (run by it; not on its own): the demo roles clicking through.

Each simulated user signs in once as one demo role (office, leader, jxj, zjj, sjm, reviewer, viewer,
inspector in turn) and keeps its session; when all have signed in, each picks one action at a time,
with think time between:
pages everyone has (home, indicator list and detail, board, work items, reports, findings,
notifications), the API lists with its role's token, an .xlsx export now and then, the audit trail and
reporting cycles for the office, and for the unit liaisons the writes a liaison makes: saving a draft
progress report and a draft indicator value. Detail pages are the ones the user's own lists link to.

The client talks plain HTTP on the loopback but behaves as if behind a TLS-terminating proxy: it sends
`X-Forwarded-Proto: https` (as nginx does) and sends the session and CSRF cookies, which the
production settings mark Secure, back over it; the server keeps its production settings.

Environment (set by load_mixed.py): QG_LOAD_TOKENS (JSON {role: API token}), QG_LOAD_THINK ("min,max"
seconds), QG_LOAD_USERS and QG_LOAD_SECONDS (when the last of the N users has signed in, Locust's
figures restart, everyone starts work and the run stops D seconds later; QG_LOAD_RAMP_LIMIT: the
longest users wait for that), QG_LOAD_SIGNING_IN (sign-ins at once, default 2),
QG_LOAD_COUNTS (a file for what Locust's table does not show: saves refused as stale, writes skipped,
failures during the ramp, sign-in times).
"""

from __future__ import annotations

import html
import http.cookiejar
import itertools
import json
import os
import random
import re
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

import gevent
from gevent.event import Event
from gevent.lock import Semaphore
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = "Putuo-demo-2026"
ROLES = ["office", "leader", "jxj", "zjj", "sjm", "reviewer", "viewer", "inspector"]
LIAISONS = {"jxj", "zjj", "sjm"}
TOKENS: dict[str, str] = json.loads(os.environ.get("QG_LOAD_TOKENS", "{}"))
THINK = tuple(float(x) for x in os.environ.get("QG_LOAD_THINK", "5,20").split(","))
USERS = int(os.environ.get("QG_LOAD_USERS", "0"))
SECONDS = float(os.environ.get("QG_LOAD_SECONDS", "0"))
# Users arrive over the morning, not all in one second: at most this many sign in at once (a sign-in
# hashes the password, about half a second of CPU on purpose).
SIGNING_IN = Semaphore(int(os.environ.get("QG_LOAD_SIGNING_IN", "2")))
ALL_IN = Event()
RAMP_LIMIT = float(os.environ.get("QG_LOAD_RAMP_LIMIT", "900"))
API_LISTS = ["/api/v1/indicators/", "/api/v1/work-items/", "/api/v1/progress-reports/", "/api/v1/findings/",
             "/api/v1/notifications/", "/api/v1/plans/", "/api/v1/org-units/"]
EXPORTS = ["/indicators/export.xlsx", "/progress/board.xlsx", "/progress/items/export.xlsx",
           "/progress/findings/export.xlsx"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STALE = "您打开之后"  # the start of the refusal of a save made on a version someone else has changed

_next_role = itertools.count()
_lock = threading.Lock()
COUNTS: Counter = Counter()


def _links(text: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(rf'href="({pattern})"', text)))


def _form(text: str, testid: str) -> dict[str, str] | None:
    """The fields of the page's form marked data-testid=`testid` (inputs and text areas), or None."""
    match = re.search(rf'<form[^>]*data-testid="{testid}"[^>]*>(.*?)</form>', text, re.S)
    if match is None:
        return None
    body, fields = match.group(1), {}
    for tag in re.findall(r"<input[^>]*>", body):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="file"' not in tag and 'type="submit"' not in tag:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, value in re.findall(r'<textarea[^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', body, re.S):
        fields[name] = html.unescape(value).lstrip("\n")
    return fields


class DemoUser(FastHttpUser):
    wait_time = between(*THINK)

    def __init__(self, environment) -> None:
        # The proxy's header, and a Referer as a browser sends it (Django checks it on HTTPS POSTs).
        self.default_headers = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans",
                                "Referer": f"https://{urlsplit(self.host).netloc}/"}
        super().__init__(environment)

    def on_start(self) -> None:
        self.role = ROLES[next(_next_role) % len(ROLES)]
        self.client.cookiejar.set_policy(http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        self.seen: dict[str, list[str]] = {"indicator": [], "item": [], "finding": [], "report": [], "unit": [],
                                           "entry": []}
        with SIGNING_IN:
            page = self.client.get("/accounts/login/", name="sign-in page")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
            with self.client.post("/accounts/login/", name="sign in", allow_redirects=False, catch_response=True,
                                  data={"username": self.role, "password": PASSWORD,
                                        "csrfmiddlewaretoken": token.group(1) if token else ""}) as response:
                if response.status_code != 302 or response.headers.get("Location") != "/":
                    response.failure(f"sign-in as {self.role} answered {response.status_code}")
        _signed_in(self.environment)
        # Everyone starts work once all have signed in (at a random point of a think time), so the
        # sign-ins do not queue behind the pages of those already in and the figures are N users'.
        ALL_IN.wait(timeout=RAMP_LIMIT)
        gevent.sleep(random.uniform(0, THINK[1]))
        # What the user can open comes from the pages they see, as when clicking.
        self.page("/", "home")
        self.page("/indicators/", "indicator list")
        self.page("/progress/", "reports inbox")
        self.page("/progress/items/", "work items")
        plan = [(self.home, 4), (self.indicator_list, 3), (self.indicator_detail, 3), (self.board, 3),
                (self.work_items, 2), (self.work_item_detail, 2), (self.inbox, 2), (self.report_detail, 2),
                (self.findings, 2), (self.finding_detail, 1), (self.notifications, 1), (self.api_list, 3),
                (self.export, 1)]
        if self.role == "office":
            plan += [(self.audit, 2), (self.cycles, 1)]
        if self.role in LIAISONS:
            plan += [(self.unit_indicators, 1), (self.save_report_draft, 2), (self.save_value_draft, 2)]
        self.actions, self.weights = zip(*plan, strict=True)

    def page(self, path: str, name: str, expect: tuple[int, ...] = (200,)):
        """GET a page (no redirect followed), fail on an unexpected status, remember the links it shows."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code not in expect:
                response.failure(f"{path} as {self.role}: {response.status_code}")
                return None
            text = response.text or ""
        for kind, pattern in (("indicator", r"/indicators/\d+/"), ("item", r"/progress/items/\d+/"),
                              ("finding", r"/progress/findings/\d+/"), ("report", r"/progress/reports/\d+/"),
                              ("unit", r"/indicators/units/\d+/"),
                              ("entry", r"/indicators/periods/\d+/units/\d+/entry/")):
            found = _links(text, pattern)
            if found:
                self.seen[kind] = sorted(set(self.seen[kind]) | set(found))
        return response

    def pick(self, kind: str) -> str | None:
        return random.choice(self.seen[kind]) if self.seen[kind] else None

    def count(self, what: str) -> None:
        with _lock:
            COUNTS[what] += 1

    @task
    def act(self) -> None:
        random.choices(self.actions, weights=self.weights)[0]()

    # Pages

    def home(self):
        self.page("/", "home")

    def indicator_list(self):
        self.page("/indicators/", "indicator list")

    def indicator_detail(self):
        if path := self.pick("indicator"):
            self.page(path, "indicator detail")

    def unit_indicators(self):
        if path := self.pick("unit"):
            self.page(path, "indicator unit page")

    def board(self):
        self.page("/progress/board/", "board")

    def work_items(self):
        self.page("/progress/items/", "work items")

    def work_item_detail(self):
        if path := self.pick("item"):
            self.page(path, "work item detail")

    def inbox(self):
        self.page("/progress/", "reports inbox")

    def report_detail(self):
        if path := self.pick("report"):
            self.page(path, "report detail")

    def findings(self):
        self.page("/progress/findings/", "findings")

    def finding_detail(self):
        if path := self.pick("finding"):
            self.page(path, "finding detail")

    def notifications(self):
        self.page("/notifications/", "notifications")

    def audit(self):
        self.page("/audit/", "audit trail")

    def cycles(self):
        self.page("/progress/cycles/", "reporting cycles")

    def api_list(self):
        lists = API_LISTS + (["/api/v1/audit-events/"] if self.role == "office" else [])
        path = random.choice(lists)
        with self.client.get(path, name="API " + path.removeprefix("/api/v1/").strip("/"), catch_response=True,
                             headers={"Authorization": f"Token {TOKENS[self.role]}"}) as response:
            if response.status_code != 200 or "results" not in (response.text or ""):
                response.failure(f"{path} as {self.role}: {response.status_code}")

    def export(self):
        path = random.choice(EXPORTS)
        with self.client.get(path, name="export .xlsx", allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200 or response.headers.get("Content-Type") != XLSX:
                response.failure(f"{path} as {self.role}: {response.status_code}")

    # Writes: open the form, change it, save as draft with the version the form showed.

    def _save(self, path: str, testid: str, change, name: str) -> None:
        opened = self.page(path, f"{name} (form)", expect=(200, 302))
        fields = _form(opened.text or "", testid) if opened is not None and opened.status_code == 200 else None
        if fields is None:  # submitted or approved meanwhile: nothing to edit here any more
            self.count(f"{name}: not editable")
            return
        change(fields)
        with self.client.post(path, name=name, data=fields, allow_redirects=False, catch_response=True) as response:
            if response.status_code == 302:
                self.count(f"{name}: saved")
            elif response.status_code == 200 and STALE in (response.text or ""):
                self.count(f"{name}: refused as stale")  # someone saved first: the product's answer, not an error
            else:
                response.failure(f"{path} as {self.role}: {response.status_code}")

    def save_report_draft(self):
        if path := self.pick("report"):
            def change(fields):
                fields.update(action="save", done_text=f"压力测试 {self.role} {time.strftime('%H:%M:%S')} 已完成部分工作。")
            self._save(path, "report-form", change, "save report draft")

    def save_value_draft(self):
        if path := self.pick("entry"):
            def change(fields):
                fields.update(action="draft", comment=f"压力测试 {self.role} {time.strftime('%H:%M:%S')}")
                fields["value"] = fields.get("value") or "1"
            self._save(path, "entry-form", change, "save indicator value draft")


SIGN_IN_MS: list[float] = []
_signed = itertools.count(1)
_started = time.monotonic()


def _signed_in(environment) -> None:
    """When the last user has signed in: Locust's figures start again from zero (the table is the
    steady state, N users), and the run stops SECONDS later."""
    if next(_signed) != USERS:
        return
    environment.stats.reset_all()
    ALL_IN.set()
    COUNTS["all users signed in after (s)"] = round(time.monotonic() - _started)
    gevent.spawn_later(SECONDS, environment.runner.quit)


@events.request.add_listener
def _whole_run(name: str, response_time: float, exception=None, **_kwargs) -> None:
    """Failures over the whole run, the ramp included (Locust's table restarts when all users are in),
    and the sign-in times (all in the ramp)."""
    if exception is not None:
        COUNTS["failed requests, whole run"] += 1
    if name == "sign in":
        SIGN_IN_MS.append(response_time)


@events.test_stop.add_listener
def _write_counts(**_kwargs) -> None:
    if path := os.environ.get("QG_LOAD_COUNTS"):
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"counts": dict(COUNTS), "sign_in_ms": SIGN_IN_MS}, out, ensure_ascii=False)
